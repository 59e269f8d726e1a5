import { z } from 'zod';

export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EnvName = z.string().regex(ENV_NAME_PATTERN, 'environment variable names are letters, digits and "_" (not starting with a digit)');

/** Variables every script gets from Orch's own environment, whatever the node lists. */
export const ALWAYS_INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR'] as const;

/** A script node without `timeoutMs` is stopped after this long. */
export const DEFAULT_SCRIPT_TIMEOUT_MS = 10 * 60_000;

/**
 * `local_task` kind `script`. The command is an argv array run without a shell, or — only with
 * `shell: true` — one string given to `/bin/sh -c`. Templates (`{{ vars.name }}`) may appear in argv
 * elements, `env` values, `cwd` and `stdin`, never in a shell string: a value reaches a shell
 * command only as an environment variable (`"$NAME"`), so it can never become shell syntax.
 */
export const ScriptParamsSchema = z
  .strictObject({
    command: z
      .union([z.array(z.string()).min(1, 'give at least the program: ["ls", "-l"]'), z.string().min(1)], {
        error: 'give the command as an argv array (["ls", "-l"]) or, with "shell": true, as one string',
      })
      .describe('argv array such as ["python3", "report.py", "{{ vars.day }}"] (no shell), or one string with "shell": true'),
    shell: z.boolean().default(false).describe('Run "command" (a string) with /bin/sh -c; templates are not allowed in it — pass values in "env"'),
    cwd: z.string().min(1).default('.').describe('Working folder, relative to the workspace root (default: the root); may not leave it'),
    env: z
      .record(EnvName, z.string())
      .default({})
      .describe('Variables set for the script; values may hold {{ vars.name }} templates (the way to hand values to a shell command)'),
    inheritEnv: z
      .array(EnvName)
      .default([])
      .describe(`Names of Orch's own environment variables the script may see, besides ${ALWAYS_INHERITED.join(', ')}`),
    stdin: z.string().optional().describe('Text written to the script\'s standard input (may hold templates)'),
    successExitCodes: z
      .array(z.number().int().min(0).max(255))
      .min(1)
      .default([0])
      .describe('Exit codes that count as success (default [0])'),
    maxOutputBytes: z
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('Bytes of stdout and of stderr kept each (default 1 MiB); the rest is counted and dropped'),
    parseJson: z.boolean().default(false).describe('Parse stdout as JSON into the output field "json" (the node fails when it is not JSON)'),
    killGraceMs: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .default(2000)
      .describe('On timeout or cancel: wait between SIGTERM and SIGKILL of the process group (default 2000)'),
  })
  .superRefine((params, ctx) => {
    if (typeof params.command === 'string' && !params.shell) {
      ctx.addIssue({
        code: 'custom',
        path: ['command'],
        message: 'a command string needs a shell: give an argv array such as ["ls", "-l"], or set "shell": true',
      });
    }
    if (Array.isArray(params.command) && params.shell) {
      ctx.addIssue({ code: 'custom', path: ['command'], message: 'with "shell": true give the command as one string, e.g. "sort data.txt | uniq -c"' });
    }
  })
  .describe('Runs a program inside the workspace; high risk: needs approval unless the plan waives it');

export type ScriptParams = z.output<typeof ScriptParamsSchema>;

/** What a script node leaves in `nodes.<id>`. */
export interface ScriptOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when more output came than `maxOutputBytes` (the counts say how much). */
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  stdoutBytes: number;
  stderrBytes: number;
  durationMs: number;
  /** stdout parsed, with `parseJson: true`. */
  json?: unknown;
  /** What the script wrote to the file named by `ORCH_RESULT_FILE` (JSON), when it wrote one. */
  result?: unknown;
  /**
   * True when the script was started by an Orch process that died (kill -9) and finished on its
   * own: this output is what it left on disk, and it was not run a second time.
   */
  recovered?: boolean;
}

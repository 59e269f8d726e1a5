import { stat } from 'node:fs/promises';
import { inject, injectable } from 'inversify';
import type { z } from 'zod';
import { OrchError, Paths } from '../../../kernel/index.js';
import { type DryRunContext, type DryRunIssue, type NodeAdapter, type NodeRunContext, type RiskLevel } from '../../plans/api/index.js';
import { refusalReason, Workspace } from '../workspace/workspace.js';
import type { CappedOutput } from './capped-output.js';
import { readOutputFile, runProcessGroup, type ProcessGroupResult } from './process-group.js';
import {
  attemptFiles,
  checkProgram,
  EXIT_RECORDER,
  leftoverAlive,
  newAttemptFolder,
  recordedExit,
  scriptResult,
  settleLeftover,
  startTicksOf,
  type ScriptScratch,
} from './script-attempt.js';
import { scriptEnvironment } from './script-environment.js';
import { DEFAULT_SCRIPT_TIMEOUT_MS, ScriptParamsSchema, type ScriptOutput, type ScriptParams } from './script-params.js';
import { renderScriptText, scriptTemplateIssues } from './script-templates.js';

/** Characters of stderr quoted in a failure message. */
const STDERR_TAIL = 500;

/**
 * `local_task` kind `script`: runs a program in the workspace as its own process group, with a
 * filtered environment, captured and capped output, and a timeout that stops every process it
 * started. The exit code decides success. Renders its own templates (`renderTemplates: false`) so
 * that no value is ever spliced into a shell string.
 */
@injectable()
export class ScriptAdapter implements NodeAdapter<ScriptParams, ScriptOutput> {
  readonly type = 'local_task' as const;
  readonly kind = 'script';
  readonly paramsSchema = ScriptParamsSchema as unknown as z.ZodType<ScriptParams>;
  readonly defaultRiskLevel: RiskLevel = 'high';
  readonly renderTemplates = false;
  readonly description = 'Runs a program inside the workspace as an argv array, or as a shell string when shell is true; a timeout stops its whole process tree';

  /** `state/script-runs/`: one folder per attempt (output, exit code, result file). */
  private readonly attemptsRoot: string;

  constructor(
    @inject(Workspace) private readonly workspace: Workspace,
    @inject(Paths) paths: Paths,
  ) {
    this.attemptsRoot = paths.state('script-runs');
  }

  async dryRun({ node, params }: DryRunContext<ScriptParams>): Promise<DryRunIssue[]> {
    const issues = scriptTemplateIssues(params, node);
    if (!params.cwd.includes('{{')) {
      try {
        await this.workspace.resolve(params.cwd, 'cwd');
      } catch (error) {
        issues.push({ path: 'params.cwd', message: refusalReason(error, params.cwd) });
      }
    }
    return issues;
  }

  async run(ctx: NodeRunContext<ScriptParams>): Promise<ScriptOutput> {
    const { params, nodeId } = ctx;
    const problems = scriptTemplateIssues(params, ctx.node);
    if (problems.length > 0) {
      throw new OrchError('invalid_input', `node "${nodeId}" ${problems[0]!.path}: ${problems[0]!.message}`, {
        issues: problems.map((p) => ({ path: p.path, message: p.message })),
      });
    }
    const text = (value: string, field: string) => renderScriptText(value, ctx.vars, field, nodeId);
    const argv = Array.isArray(params.command) ? await Promise.all(params.command.map((arg, i) => text(arg, `command.${i}`))) : undefined;
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(params.env)) env[name] = await text(value, `env.${name}`);
    const stdin = params.stdin === undefined ? undefined : await text(params.stdin, 'stdin');
    const cwd = await this.workingFolder(await text(params.cwd, 'cwd'));

    const [file, ...args] = argv ?? ['/bin/sh', '-c', params.command as string];
    const timeoutMs = ctx.timeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS;
    const key = ctx.idempotencyKey;

    // This very attempt was started by an Orch process that died (kill -9, power loss): take what
    // the script left if it finished, wait for it if it still runs, stop it if it outlives its timeout.
    const previous = ctx.scratch.get<ScriptScratch>();
    if (previous?.key === key) {
      const adopted = await this.adopt(ctx, previous, timeoutMs);
      if (adopted) return this.outcome(ctx, params, adopted);
    }

    const scriptEnv = scriptEnvironment(process.env, params.inheritEnv, env, {
      runId: ctx.runId,
      nodeId,
      attempt: ctx.attempt,
      idempotencyKey: key,
      workspaceRoot: await this.workspace.realRoot(),
    });
    try {
      await checkProgram(file!, scriptEnv.PATH, cwd);
    } catch (error) {
      throw startFailure(nodeId, file!, error);
    }
    const files = await newAttemptFolder(this.attemptsRoot, ctx.runId, key);
    const startedAt = new Date();
    // Recorded before the program starts, so a crash at any moment leaves a trail to it.
    const scratch: ScriptScratch = { key, folder: files.folder, startedAt: startedAt.toISOString() };
    await ctx.scratch.set(scratch);

    const stop = new AbortController();
    const signal = AbortSignal.any([ctx.signal, stop.signal]);
    const timer = setTimeout(
      () => stop.abort(new OrchError('timeout', `node "${nodeId}" script timed out after ${timeoutMs} ms; its processes were stopped`)),
      timeoutMs,
    );
    ctx.logger.info(`Script starting: ${describeCommand(params)}`, {
      command: params.command,
      cwd: await this.workspace.display(cwd),
      envNames: Object.keys(env),
      inheritEnv: params.inheritEnv,
    });
    let recorded: Promise<void> = Promise.resolve();
    let result: ProcessGroupResult;
    try {
      result = await runProcessGroup({
        // A small shell leads the group and records the exit code when the program ends, even after a crash of Orch.
        file: '/bin/sh',
        args: ['-c', EXIT_RECORDER, 'orch-script', file!, ...args],
        cwd,
        env: { ...scriptEnv, ORCH_RESULT_FILE: files.result, ORCH_EXIT_FILE: files.exit },
        stdin,
        maxOutputBytes: params.maxOutputBytes,
        killGraceMs: params.killGraceMs,
        signal,
        outputFiles: files,
        onSpawn: (pid) => {
          recorded = startTicksOf(pid)
            .then((startTicks) => ctx.scratch.set({ ...scratch, pid, ...(startTicks !== undefined ? { startTicks } : {}) }))
            .catch((error: unknown) => ctx.logger.warn(`Could not record the script's process group ${pid}: ${(error as Error).message}`));
        },
      });
    } catch (error) {
      throw startFailure(nodeId, file!, error);
    } finally {
      clearTimeout(timer);
      await recorded;
    }
    const durationMs = Date.now() - startedAt.getTime();
    const summary = { scriptPid: result.pid, exitCode: result.exitCode, exitSignal: result.exitSignal, durationMs, leftoversStopped: result.leftoversStopped };
    if (signal.aborted) {
      ctx.logger.warn(`Script stopped: ${(signal.reason as Error)?.message ?? 'cancelled'}`, summary);
      throw signal.reason;
    }
    ctx.logger.info(`Script ended with exit code ${result.exitCode ?? result.exitSignal}`, summary);
    if (result.leftoversStopped) ctx.logger.warn('The script left processes running; they were stopped with it', summary);
    return this.outcome(ctx, params, { ...result, durationMs, result: await scriptResult(files) });
  }

  /**
   * What a crashed process left of this attempt. A group still running is waited for until the
   * node's timeout (counted from when it started), then stopped: SIGTERM, SIGKILL after
   * `killGraceMs`. A script that ended left its exit code, output and result file: that is the
   * outcome, and it does not run again. Undefined when it has to run again.
   */
  private async adopt(ctx: NodeRunContext<ScriptParams>, previous: ScriptScratch, timeoutMs: number): Promise<Ended | undefined> {
    const files = attemptFiles(previous.folder);
    const started = Date.parse(previous.startedAt);
    if (await leftoverAlive(previous)) {
      ctx.logger.warn(`The script of this attempt still runs (process group ${previous.pid}) from an Orch process that stopped; waiting for it to end, at most until its timeout`, {
        pid: previous.pid,
        startedAt: previous.startedAt,
      });
      const how = await settleLeftover(previous, started + timeoutMs, ctx.params.killGraceMs, ctx.signal);
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (how === 'stopped') {
        ctx.logger.warn(`The left-over script (process group ${previous.pid}) was stopped (SIGTERM, then SIGKILL) after its timeout; the node runs again`, { pid: previous.pid });
        return undefined;
      }
    }
    const exitCode = await recordedExit(files);
    if (exitCode === undefined) {
      ctx.logger.warn('The script of this attempt did not finish before its Orch process stopped; it runs again', { folder: previous.folder });
      return undefined;
    }
    const finishedAt = (await stat(files.exit).catch(() => undefined))?.mtimeMs ?? Date.now();
    ctx.logger.info(`The script of this attempt finished (exit code ${exitCode}) after its Orch process stopped; its result is taken, it does not run again`, {
      pid: previous.pid,
      exitCode,
    });
    return {
      exitCode,
      exitSignal: null,
      stdout: await readOutputFile(files.stdout, ctx.params.maxOutputBytes),
      stderr: await readOutputFile(files.stderr, ctx.params.maxOutputBytes),
      durationMs: Math.max(0, Math.round(finishedAt - started)),
      result: await scriptResult(files),
      recovered: true,
    };
  }

  /** The node's output from how the script ended; a failure exit is an error quoting stderr. */
  private outcome(ctx: NodeRunContext<ScriptParams>, params: ScriptParams, ended: Ended): ScriptOutput {
    const output: ScriptOutput = {
      exitCode: ended.exitCode ?? -1,
      stdout: ended.stdout.text(),
      stderr: ended.stderr.text(),
      stdoutTruncated: ended.stdout.truncated,
      stderrTruncated: ended.stderr.truncated,
      stdoutBytes: ended.stdout.total,
      stderrBytes: ended.stderr.total,
      durationMs: ended.durationMs,
      ...(ended.recovered ? { recovered: true } : {}),
    };
    if (ended.exitCode === null || !params.successExitCodes.includes(ended.exitCode)) {
      const how = ended.exitCode === null ? `was killed by ${ended.exitSignal}` : `exited with code ${ended.exitCode}`;
      const tail = output.stderr.trim().slice(-STDERR_TAIL);
      throw new Error(`script ${how}${tail ? `: ${tail}` : ''}`);
    }
    if (ended.result && 'invalid' in ended.result) throw new Error(`node "${ctx.nodeId}": the result file (ORCH_RESULT_FILE) is not JSON: ${ended.result.invalid}`);
    if (ended.result) output.result = ended.result.value;
    if (params.parseJson) output.json = parseStdout(output, ctx.nodeId);
    return output;
  }

  private async workingFolder(cwd: string): Promise<string> {
    const folder = await this.workspace.resolve(cwd, 'params.cwd');
    const info = await stat(folder).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new OrchError('invalid_input', `params.cwd "${cwd}" is not a folder of the workspace ${this.workspace.root}`, {
        issues: [{ path: 'params.cwd', message: 'not a folder of the workspace' }],
      });
    }
    return folder;
  }
}

/** How a script ended, in this process or in one that crashed. */
interface Ended {
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stdout: CappedOutput;
  stderr: CappedOutput;
  durationMs: number;
  result: Awaited<ReturnType<typeof scriptResult>>;
  recovered?: boolean;
}

function describeCommand(params: ScriptParams): string {
  return Array.isArray(params.command) ? params.command.join(' ') : `sh -c ${JSON.stringify(params.command)}`;
}

function parseStdout(output: ScriptOutput, nodeId: string): unknown {
  if (output.stdoutTruncated) throw new Error(`node "${nodeId}": stdout (${output.stdoutBytes} bytes) exceeds maxOutputBytes, so it cannot be parsed as JSON`);
  try {
    return JSON.parse(output.stdout);
  } catch (error) {
    throw new Error(`node "${nodeId}": stdout is not JSON (parseJson is true): ${(error as Error).message}`);
  }
}

/** A program that cannot start will not start on a retry either: the node goes to a person at once. */
function startFailure(nodeId: string, file: string, error: unknown): OrchError {
  const code = (error as NodeJS.ErrnoException).code;
  const hint = code === 'ENOENT' ? ' (not found: check the name, or the PATH scripts get)' : code === 'EACCES' ? ' (not executable)' : '';
  return new OrchError('invalid_input', `node "${nodeId}" script "${file}" could not start: ${(error as Error).message}${hint}`, {
    issues: [{ path: 'params.command.0', message: `could not start${hint}` }],
  });
}

import { stat } from 'node:fs/promises';
import { inject, injectable } from 'inversify';
import type { z } from 'zod';
import { OrchError } from '../../../kernel/index.js';
import { type DryRunContext, type DryRunIssue, type NodeAdapter, type NodeRunContext, type RiskLevel } from '../../plans/api/index.js';
import { refusalReason, Workspace } from '../workspace/workspace.js';
import { runProcessGroup, type ProcessGroupResult } from './process-group.js';
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

  constructor(@inject(Workspace) private readonly workspace: Workspace) {}

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
    const stop = new AbortController();
    const signal = AbortSignal.any([ctx.signal, stop.signal]);
    const timer = setTimeout(
      () => stop.abort(new OrchError('timeout', `node "${nodeId}" script timed out after ${timeoutMs} ms; its processes were stopped`)),
      timeoutMs,
    );
    const started = Date.now();
    ctx.logger.info(`Script starting: ${describeCommand(params)}`, {
      command: params.command,
      cwd: await this.workspace.display(cwd),
      envNames: Object.keys(env),
      inheritEnv: params.inheritEnv,
    });
    let result: ProcessGroupResult;
    try {
      result = await runProcessGroup({
        file: file!,
        args,
        cwd,
        env: scriptEnvironment(process.env, params.inheritEnv, env, {
          runId: ctx.runId,
          nodeId,
          attempt: ctx.attempt,
          idempotencyKey: ctx.idempotencyKey,
          workspaceRoot: await this.workspace.realRoot(),
        }),
        stdin,
        maxOutputBytes: params.maxOutputBytes,
        killGraceMs: params.killGraceMs,
        signal,
      });
    } catch (error) {
      throw startFailure(nodeId, file!, error);
    } finally {
      clearTimeout(timer);
    }
    const durationMs = Date.now() - started;
    const summary = { scriptPid: result.pid, exitCode: result.exitCode, exitSignal: result.exitSignal, durationMs, leftoversStopped: result.leftoversStopped };
    if (signal.aborted) {
      ctx.logger.warn(`Script stopped: ${(signal.reason as Error)?.message ?? 'cancelled'}`, summary);
      throw signal.reason;
    }
    ctx.logger.info(`Script ended with exit code ${result.exitCode ?? result.exitSignal}`, summary);
    if (result.leftoversStopped) ctx.logger.warn('The script left processes running; they were stopped with it', summary);

    const output: ScriptOutput = {
      exitCode: result.exitCode ?? -1,
      stdout: result.stdout.text(),
      stderr: result.stderr.text(),
      stdoutTruncated: result.stdout.truncated,
      stderrTruncated: result.stderr.truncated,
      stdoutBytes: result.stdout.total,
      stderrBytes: result.stderr.total,
      durationMs,
    };
    if (result.exitCode === null || !params.successExitCodes.includes(result.exitCode)) {
      const how = result.exitCode === null ? `was killed by ${result.exitSignal}` : `exited with code ${result.exitCode}`;
      const tail = output.stderr.trim().slice(-STDERR_TAIL);
      throw new Error(`script ${how}${tail ? `: ${tail}` : ''}`);
    }
    if (params.parseJson) output.json = parseStdout(output, nodeId);
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

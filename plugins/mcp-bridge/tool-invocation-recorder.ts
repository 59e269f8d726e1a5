import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { EventBus, JsonStore, Logger, OrchError, Paths, ProcessContext, describeError, redactSecrets } from '../../kernel/index.js';
import { TOOL_STREAM_LIMIT, TOOL_STREAMS_FILE, ToolStreamsFileSchema, toolResultText, type ToolInvocation, type ToolResult, type ToolStreamRecord } from './api/index.js';

/**
 * `onToolInvoke`: the one place every MCP tool call passes, whoever makes it (a plan node, an agent,
 * the CLI, the REST API). Each call — refused, failed or successful — becomes exactly one
 * `tool.invoked` event, one log line (category `tool`) and one record in `state/tool-streams.json`,
 * all with the arguments' secrets redacted.
 */
@injectable()
export class ToolInvocationRecorder {
  private readonly toolLog: Logger;

  constructor(
    @inject(EventBus) private readonly bus: EventBus,
    @inject(Logger) logger: Logger,
    @inject(JsonStore) private readonly store: JsonStore,
    @inject(Paths) private readonly paths: Paths,
    @inject(ProcessContext) private readonly process: ProcessContext,
  ) {
    this.toolLog = logger.child({ category: 'tool' });
  }

  async onToolInvoke(call: ToolInvocation, perform: () => Promise<ToolResult>): Promise<ToolResult> {
    const time = new Date().toISOString();
    const started = performance.now();
    let result: ToolResult | undefined;
    let failure: unknown;
    try {
      result = await perform();
    } catch (error) {
      failure = error;
    }
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    const outcome = failure === undefined && !result?.isError ? 'ok' : 'error';
    const error = failure !== undefined ? describeError(failure) : result?.isError ? toolResultText(result) || 'the tool reported an error' : undefined;
    const record: ToolStreamRecord = {
      id: randomUUID(),
      time,
      alias: call.alias,
      tool: call.tool,
      args: redactSecrets(call.args),
      operator: call.operator ?? this.process.operator,
      caller: call.caller ?? 'api',
      runId: call.runId,
      nodeId: call.nodeId,
      durationMs,
      outcome,
      error,
      pid: process.pid,
    };
    this.publish(record);
    await this.append(record);
    if (failure !== undefined) throw failure;
    return result!;
  }

  private publish(record: ToolStreamRecord): void {
    this.bus.publish({
      type: 'tool.invoked',
      alias: record.alias,
      tool: record.tool,
      args: record.args,
      operator: record.operator,
      runId: record.runId,
      nodeId: record.nodeId,
      durationMs: record.durationMs,
      outcome: record.outcome,
      error: record.error,
    });
    const context = {
      tool: `${record.alias}/${record.tool}`,
      alias: record.alias,
      params: record.args,
      caller: record.caller,
      runId: record.runId,
      nodeId: record.nodeId,
      durationMs: record.durationMs,
      outcome: record.outcome,
      error: record.error,
      // The process's operator is already on every line; only a different one is added.
      ...(record.operator !== this.process.operator ? { operator: record.operator } : {}),
    };
    const message = `Tool ${record.alias}/${record.tool} ${record.outcome === 'ok' ? 'succeeded' : 'failed'} in ${record.durationMs} ms`;
    if (record.outcome === 'ok') this.toolLog.info(message, context);
    else this.toolLog.warn(message, context);
  }

  /** Appends under the file's inter-process lock, keeping the newest records. A failed write stops the caller. */
  private async append(record: ToolStreamRecord): Promise<void> {
    const file = this.paths.state(TOOL_STREAMS_FILE);
    try {
      await this.store.update(file, ToolStreamsFileSchema, () => ({ records: [] }), (current) => ({
        records: [...current.records, record].slice(-TOOL_STREAM_LIMIT),
      }));
    } catch (error) {
      const done = record.outcome === 'ok' ? 'succeeded' : 'failed';
      this.toolLog.error(`Could not record the call of ${record.alias}/${record.tool} in ${file}: ${describeError(error)}`, {
        tool: `${record.alias}/${record.tool}`,
        file,
      });
      throw new OrchError('write_failed', `Could not record the call of MCP tool ${record.alias}/${record.tool} in ${file}: ${describeError(error)} (the call itself ${done}); fix the state folder before going on`, {
        file,
      }, { cause: error });
    }
  }
}

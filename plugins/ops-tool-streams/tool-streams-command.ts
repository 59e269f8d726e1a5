import { inject, injectable } from 'inversify';
import { OrchError, ProcessContext, formatFieldIssues, renderTable, toFieldIssues, type CliCommand, type CommandIO } from '../../kernel/index.js';
import { type ToolStreamRecord } from '../mcp-bridge/api/index.js';
import { ToolStreamQuerySchema, matches, select } from './tool-stream-query.js';
import { ToolStreamReader } from './tool-stream-reader.js';

const FOLLOW_POLL_MS = 500;

/** `orch executions:tool-streams`: the tool-call history, filtered, once or followed. */
@injectable()
export class ToolStreamsCommand implements CliCommand {
  readonly name = 'executions:tool-streams';

  constructor(
    @inject(ToolStreamReader) private readonly reader: ToolStreamReader,
    @inject(ProcessContext) private readonly process: ProcessContext,
  ) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const parsed = ToolStreamQuerySchema.safeParse({ limit: args.limit, alias: args.alias, tool: args.tool, runId: args.run, errors: args.errors });
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error).map((i) => ({ ...i, path: `--${i.path === 'runId' ? 'run' : i.path}` }));
      throw new OrchError('invalid_input', `Invalid option: ${formatFieldIssues(issues)}`, { issues });
    }
    const query = parsed.data;
    const shown = select(await this.reader.records(), query);
    if (!args.follow) {
      if (io.json) io.printJson({ file: this.reader.file, records: shown });
      else if (shown.length === 0) io.out(`No tool calls recorded${describeFilter(args)} (${this.reader.file}).`);
      else io.out(renderRecords(shown));
      return 0;
    }
    // Follow: print what exists, then poll for records not seen yet until Ctrl-C.
    const seen = new Set<string>();
    const print = (records: ToolStreamRecord[], header: boolean): void => {
      if (records.length === 0) return;
      for (const r of records) seen.add(r.id);
      if (io.json) for (const r of records) io.out(JSON.stringify(r));
      else io.out(header ? renderRecords(records) : renderRecords(records).split('\n').slice(2).join('\n'));
    };
    if (!io.json) io.err(`Following ${this.reader.file} — Ctrl-C to stop.`);
    print(shown, true);
    let first = shown.length === 0;
    while (!this.process.shutdownSignal.aborted) {
      await sleep(FOLLOW_POLL_MS, this.process.shutdownSignal);
      if (this.process.shutdownSignal.aborted) break;
      const fresh = (await this.reader.records()).filter((r) => !seen.has(r.id) && matches(r, query));
      print(fresh, first);
      if (fresh.length) first = false;
      if (seen.size > 50_000) seen.clear(); // the file holds at most 1000; ids never repeat
    }
    return 0;
  }
}

function renderRecords(records: ToolStreamRecord[]): string {
  return renderTable(
    ['TIME', 'CALLER', 'OPERATOR', 'TOOL', 'OUTCOME', 'MS', 'RUN/NODE', 'ARGS / ERROR'],
    records.map((r) => [
      r.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      r.caller,
      r.operator,
      `${r.alias}/${r.tool}`,
      r.outcome,
      String(Math.round(r.durationMs)),
      r.runId ? `${r.runId}${r.nodeId ? `/${r.nodeId}` : ''}` : '-',
      truncate(r.outcome === 'error' && r.error ? r.error : JSON.stringify(r.args), 80),
    ]),
  );
}

function describeFilter(args: Record<string, unknown>): string {
  const parts = [
    args.alias ? `alias ${String(args.alias)}` : '',
    args.tool ? `tool ${String(args.tool)}` : '',
    args.run ? `run ${String(args.run)}` : '',
    args.errors ? 'failed only' : '',
  ].filter(Boolean);
  return parts.length ? ` matching ${parts.join(', ')}` : '';
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

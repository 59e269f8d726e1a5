import { inject, injectable } from 'inversify';
import { OrchError, renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { type RunRecord } from '../api/index.js';
import { RunAccess } from './run-access.js';
import { ago, bold, dim, duration, nodeMark, outcomeLines, progressCounts, runStatusText, truncate } from './run-text.js';

/** `orch run:status [runId]`: one run in detail (the newest run without an id). */
@injectable()
export class RunStatusCommand implements CliCommand {
  readonly name = 'run:status';

  constructor(@inject(RunAccess) private readonly access: RunAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const view = await this.access.open(io);
    let record: RunRecord;
    if (typeof args.runId === 'string' && args.runId) {
      record = await view.get(args.runId);
    } else {
      const [newest] = await view.list({ limit: 1 });
      if (!newest) throw new OrchError('not_found', 'No runs yet. Start one with `orch run:auto <plan-file|plan-id>`.');
      record = await view.get(newest.runId);
      if (!io.json) io.err(dim(`(the newest run; \`orch run:list\` shows the others)`));
    }
    if (io.json) {
      io.printJson(record);
      return 0;
    }
    const now = Date.now();
    io.out(`Run ${bold(record.runId)} — plan ${record.planId} v${record.planVersion}${record.planName ? ` (${record.planName})` : ''}`);
    io.out(`Status:   ${runStatusText(record.status)}  ${dim(`updated ${ago(record.updatedAt, now)}`)}`);
    io.out(`Started:  ${record.createdAt} by ${record.operator} · ${record.mode} mode${record.finishedAt ? ` · finished ${record.finishedAt}` : ''}`);
    if (record.replayOf) io.out(`Replay of ${record.replayOf.runId} from ${record.replayOf.from}`);
    if (record.owner) io.out(`Executing in process ${record.owner.pid} (${record.owner.role}) since ${record.owner.since}`);
    if (Object.keys(record.inputs).length > 0) io.out(`Inputs:   ${truncate(JSON.stringify(record.inputs), 120)}`);
    io.out(`Progress: ${progressCounts(record)}`);
    if (record.queued?.length) {
      io.out(`Queued:   ${record.queued.length} ready node(s) wait for a concurrency slot (executor.maxConcurrency of the process, or their parallel's maxConcurrency): ${truncate(record.queued.join(', '), 100)}`);
    }
    for (const warning of record.warnings ?? []) io.out(`Warning:  ${warning}`);
    const nodes = Object.entries(record.nodes);
    if (nodes.length > 0) {
      io.out('');
      io.out(
        renderTable(
          ['', 'NODE', 'TYPE', 'STATUS', 'TRIES', 'TIME', 'OUTPUT / ERROR'],
          nodes.map(([id, n]) => [
            nodeMark(n.status),
            id,
            n.type ?? '',
            n.status,
            String(n.attempts),
            duration(n.durationMs),
            truncate(n.error ?? n.outputSummary ?? (n.decidedBy ? `by ${n.decidedBy}` : ''), 70),
          ]),
        ),
      );
    }
    if (record.status !== 'completed') {
      io.out('');
      for (const line of outcomeLines(record, false)) io.out(line);
    }
    return 0;
  }
}

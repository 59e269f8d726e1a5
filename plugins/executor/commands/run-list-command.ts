import { inject, injectable } from 'inversify';
import { renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { RunAccess } from './run-access.js';
import { ago, progressCounts, runStatusText } from './run-text.js';

/** `orch run:list [--status s[,s]] [--plan <id>] [--limit N]`: runs, newest first. */
@injectable()
export class RunListCommand implements CliCommand {
  readonly name = 'run:list';

  constructor(@inject(RunAccess) private readonly access: RunAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const filter = {
      status: typeof args.status === 'string' ? args.status : undefined,
      planId: typeof args.plan === 'string' ? args.plan : undefined,
      limit: typeof args.limit === 'number' && args.limit > 0 ? args.limit : undefined,
    };
    const view = await this.access.open(io);
    const runs = await view.list(filter);
    if (io.json) {
      io.printJson({ via: view.via, runs });
      return 0;
    }
    if (runs.length === 0) {
      io.out(filter.status || filter.planId ? 'No runs match.' : 'No runs yet. Start one with `orch run:auto <plan-file|plan-id>`.');
      return 0;
    }
    const now = Date.now();
    io.out(
      renderTable(
        ['RUN', 'PLAN', 'STATUS', 'PROGRESS', 'STARTED', 'OPERATOR'],
        runs.map((r) => [r.runId, `${r.planId} v${r.planVersion}${r.mode === 'memory' ? ' (memory)' : ''}`, runStatusText(r.status), progressCounts(r), ago(r.createdAt, now), r.operator]),
      ),
    );
    return 0;
  }
}

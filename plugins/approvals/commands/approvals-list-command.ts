import { inject, injectable } from 'inversify';
import { renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { ApprovalAccess } from './approval-access.js';
import { relative, statusOf, truncate } from './approval-text.js';

/** `orch approvals:list [--all] [--run <runId>] [--json]` */
@injectable()
export class ApprovalsListCommand implements CliCommand {
  readonly name = 'approvals:list';

  constructor(@inject(ApprovalAccess) private readonly access: ApprovalAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const all = Boolean(args.all);
    const runId = typeof args.run === 'string' && args.run ? args.run : undefined;
    const view = await this.access.open(io);
    const approvals = await view.list({ all, runId });
    if (io.json) {
      io.printJson({ via: view.via, approvals });
      return 0;
    }
    const scope = runId ? ` for run ${runId}` : '';
    if (approvals.length === 0) {
      io.out(all ? `No approvals on record${scope}.` : `Nothing waits for approval${scope}. (--all shows decided ones too)`);
      return 0;
    }
    const now = Date.now();
    io.out(
      renderTable(
        ['ID', 'RUN', 'NODE', 'RISK', 'REQUESTED', 'STATUS', 'TITLE'],
        approvals.map((a) => [a.id, a.runId, a.nodeId, a.riskLevel, relative(a.requestedAt, now), statusOf(a, now), truncate(a.title, 60)]),
      ),
    );
    const pending = approvals.filter((a) => !a.decision && !a.withdrawal);
    if (pending.length > 0) io.out(`\n${pending.length} pending. Decide with: orch approvals:approve <id> [--comment "…"]  |  orch approvals:reject <id> --comment "why"`);
    return 0;
  }
}

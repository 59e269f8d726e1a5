import { inject, injectable } from 'inversify';
import type { CliCommand, CommandIO } from '../../../kernel/index.js';
import type { ApprovalRecord } from '../api/index.js';
import type { AccessVia } from '../../server/api/index.js';
import { ApprovalAccess } from './approval-access.js';

/**
 * `orch approvals:approve <id>` and `orch approvals:reject <id>`: one decision, through the server
 * when it runs (the run it holds resumes at once), else written to the files under the lock.
 * A second decision on the same approval fails with who decided it and when.
 */
abstract class DecideCommand implements CliCommand {
  abstract readonly name: string;
  protected abstract readonly outcome: 'approved' | 'rejected';

  constructor(private readonly access: ApprovalAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const comment = typeof args.comment === 'string' ? args.comment : '';
    const view = await this.access.open(io);
    const decided = await view.decide(String(args.id), this.outcome, comment);
    if (io.json) {
      io.printJson({ via: view.via, approval: decided });
      return 0;
    }
    io.out(confirmation(decided, view));
    return 0;
  }
}

function confirmation(record: ApprovalRecord, view: { readonly via: AccessVia }): string {
  const d = record.decision!;
  const verb = d.outcome === 'approved' ? 'Approved' : 'Rejected';
  const lines = [`${verb} ${record.id} — "${record.title}" (run ${record.runId}, node ${record.nodeId}) as ${d.operator}${d.comment ? `: ${d.comment}` : ''}.`];
  if (view.via === 'server') {
    lines.push('The Orch server resumes the run now.');
  } else {
    lines.push('Recorded in state/approvals/completed.json.');
    lines.push(`No Orch server is running: the run continues with the next \`orch start\` or \`orch run:resume ${record.runId}\`.`);
  }
  return lines.join('\n');
}

@injectable()
export class ApprovalsApproveCommand extends DecideCommand {
  readonly name = 'approvals:approve';
  protected readonly outcome = 'approved' as const;
  constructor(@inject(ApprovalAccess) access: ApprovalAccess) {
    super(access);
  }
}

@injectable()
export class ApprovalsRejectCommand extends DecideCommand {
  readonly name = 'approvals:reject';
  protected readonly outcome = 'rejected' as const;
  constructor(@inject(ApprovalAccess) access: ApprovalAccess) {
    super(access);
  }
}

import { inject, injectable } from 'inversify';
import type { CliCommand, CommandIO } from '../../../kernel/index.js';
import type { ApprovalRecord } from '../api/index.js';
import { ApprovalAccess } from './approval-access.js';
import { SHOWN_CHARS, shownApproval } from '../approval-preview.js';
import { relative, shortTime, statusOf } from './approval-text.js';

/**
 * `orch approvals:show <id> [--full]`: everything a person needs to decide, or the decision taken.
 * Values are shown as rendered when the run asked (templates filled in, secrets redacted); each
 * longer than SHOWN_CHARS is cut unless `--full`.
 */
@injectable()
export class ApprovalsShowCommand implements CliCommand {
  readonly name = 'approvals:show';

  constructor(@inject(ApprovalAccess) private readonly access: ApprovalAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const view = await this.access.open(io);
    const full = await view.find(String(args.id));
    // Long values (a prompt holding a whole document, a big request body) are cut unless --full.
    const { approval: record, truncated } = args.full ? { approval: full, truncated: [] as string[] } : shownApproval(full);
    if (io.json) {
      io.printJson({ via: view.via, approval: record, truncated });
      return 0;
    }
    io.out(describeApproval(record));
    if (truncated.length) io.out(`\n(Cut to ${SHOWN_CHARS} characters: ${truncated.join(', ')} — orch approvals:show ${record.id} --full shows everything)`);
    return 0;
  }
}

export function describeApproval(record: ApprovalRecord, now = Date.now()): string {
  const rows: [string, string][] = [
    ['Status', statusOf(record, now)],
    ['Title', record.title],
    ['Prompt', record.prompt],
    ['Run', `${record.runId} (plan ${record.planId} v${record.planVersion})`],
    ['Node', record.key === record.nodeId ? record.nodeId : `${record.nodeId} (key ${record.key})`],
    ['Risk', record.riskLevel],
    ['Approvers', record.approvers?.length ? record.approvers.join(', ') : 'anyone'],
    ['Requested', `${shortTime(record.requestedAt)} by ${record.requestedBy} (${relative(record.requestedAt, now)})`],
  ];
  if (record.expiresAt && !record.decision && !record.withdrawal) rows.push(['Expires', `${shortTime(record.expiresAt)} (${relative(record.expiresAt, now)}), then ${record.onTimeout}`]);
  if (record.escalatedAt) rows.push(['Escalated', `${shortTime(record.escalatedAt)}: nobody decided in time; still waiting for a person`]);
  const d = record.decision;
  if (d) {
    rows.push(['Decision', `${d.outcome} by ${d.operator} at ${shortTime(d.decidedAt)} via ${d.via}`]);
    if (d.comment) rows.push(['Comment', d.comment]);
  }
  const w = record.withdrawal;
  if (w) rows.push(['Withdrawn', `at ${shortTime(w.withdrawnAt)}: ${w.reason} — nobody can decide it any more`]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  const lines = [`Approval ${record.id}`, ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)} ${indentRest(value, width + 3)}`)];
  if (record.context !== undefined) {
    lines.push('  Context (the node\'s inputs, secrets redacted):');
    lines.push(...JSON.stringify(record.context, null, 2).split('\n').map((l) => `    ${l}`));
  }
  if (!d && !w) lines.push('', `Decide with: orch approvals:approve ${record.id} [--comment "…"]  |  orch approvals:reject ${record.id} --comment "why"`);
  return lines.join('\n');
}

function indentRest(text: string, indent: number): string {
  return text.split('\n').join(`\n${' '.repeat(indent)}`);
}

import { inject, injectable } from 'inversify';
import { Logger } from '../../kernel/index.js';
import { type ApprovalRecord } from './api/index.js';

/**
 * The audit trail in `logs/app.jsonl` (category `audit`): every request and decision with the
 * operator, time (the line's `time`), run, node, risk and comment — what the host's auditors read.
 * Logged by the process that wrote the change, once.
 */
@injectable()
export class ApprovalAudit {
  private readonly log: Logger;

  constructor(@inject(Logger) logger: Logger) {
    this.log = logger.child({ category: 'audit', plugin: 'approvals' });
  }

  requested(record: ApprovalRecord): void {
    this.log.info(`Approval requested: ${record.title}`, {
      action: 'approval.requested',
      ...this.subject(record),
      operator: record.requestedBy,
      requestedAt: record.requestedAt,
      ...(record.expiresAt ? { expiresAt: record.expiresAt, onTimeout: record.onTimeout } : {}),
      ...(record.approvers ? { approvers: record.approvers } : {}),
    });
  }

  decided(record: ApprovalRecord): void {
    const decision = record.decision;
    if (!decision) return;
    this.log.info(`Approval ${decision.outcome} by ${decision.operator}: ${record.title}`, {
      action: 'approval.decided',
      ...this.subject(record),
      outcome: decision.outcome,
      operator: decision.operator,
      comment: decision.comment,
      via: decision.via,
      decidedAt: decision.decidedAt,
    });
  }

  withdrawn(record: ApprovalRecord): void {
    const withdrawal = record.withdrawal;
    if (!withdrawal) return;
    this.log.info(`Approval withdrawn (the run ended ${withdrawal.runStatus}): ${record.title}`, {
      action: 'approval.withdrawn',
      ...this.subject(record),
      operator: 'system',
      reason: withdrawal.reason,
      runStatus: withdrawal.runStatus,
      withdrawnAt: withdrawal.withdrawnAt,
    });
  }

  escalated(record: ApprovalRecord): void {
    this.log.warn(`Approval overdue and escalated (nobody decided before ${record.expiresAt}): ${record.title}`, {
      action: 'approval.escalated',
      ...this.subject(record),
      operator: 'system',
      expiresAt: record.expiresAt,
      escalatedAt: record.escalatedAt,
    });
  }

  private subject(record: ApprovalRecord) {
    return {
      approvalId: record.id,
      runId: record.runId,
      nodeId: record.nodeId,
      planId: record.planId,
      planVersion: record.planVersion,
      key: record.key,
      riskLevel: record.riskLevel,
    };
  }
}

import { inject, injectable } from 'inversify';
import { EventBus } from '../../kernel/index.js';
import { type ApprovalRecord } from './api/index.js';
import type { ApprovalBook } from './approval-files.js';

/**
 * Publishes `approval.requested`, `approval.resolved`, `approval.withdrawn` and `approval.escalated` at most once per
 * approval in this process, whoever notices first: the store right after its own write, or the
 * file watcher when another process wrote. Remembering what was announced is what keeps a
 * decision from resuming a run twice.
 */
@injectable()
export class ApprovalAnnouncer {
  private readonly requestedIds = new Set<string>();
  private readonly resolvedIds = new Set<string>();
  private readonly escalatedIds = new Set<string>();

  constructor(@inject(EventBus) private readonly bus: EventBus) {}

  /** Marks what is already on file as announced (history is not news when a server starts). */
  seed(book: ApprovalBook): void {
    for (const record of book.pending) {
      this.requestedIds.add(record.id);
      if (record.escalatedAt) this.escalatedIds.add(record.id);
    }
    for (const record of book.completed) {
      this.requestedIds.add(record.id);
      this.resolvedIds.add(record.id);
    }
  }

  /** True when this call published the event. */
  requested(record: ApprovalRecord): boolean {
    if (this.requestedIds.has(record.id)) return false;
    this.requestedIds.add(record.id);
    this.bus.publish({
      type: 'approval.requested',
      approvalId: record.id,
      runId: record.runId,
      nodeId: record.nodeId,
      planId: record.planId,
      title: record.title,
      prompt: record.prompt,
      riskLevel: record.riskLevel,
      ...(record.approvers?.length ? { approvers: record.approvers } : {}),
      ...(record.expiresAt !== undefined ? { expiresAt: record.expiresAt } : {}),
    });
    return true;
  }

  resolved(record: ApprovalRecord): boolean {
    if (!record.decision || this.resolvedIds.has(record.id)) return false;
    this.requestedIds.add(record.id);
    this.resolvedIds.add(record.id);
    this.bus.publish({
      type: 'approval.resolved',
      approvalId: record.id,
      runId: record.runId,
      nodeId: record.nodeId,
      outcome: record.decision.outcome,
      operator: record.decision.operator,
      via: record.decision.via,
    });
    return true;
  }

  /** A withdrawal (the run ended first) — once, like a decision. */
  withdrawn(record: ApprovalRecord): boolean {
    if (!record.withdrawal || this.resolvedIds.has(record.id)) return false;
    this.requestedIds.add(record.id);
    this.resolvedIds.add(record.id);
    this.bus.publish({
      type: 'approval.withdrawn',
      approvalId: record.id,
      runId: record.runId,
      nodeId: record.nodeId,
      title: record.title,
      reason: record.withdrawal.reason,
      runStatus: record.withdrawal.runStatus,
    });
    return true;
  }

  escalated(record: ApprovalRecord): boolean {
    if (!record.escalatedAt || !record.expiresAt || this.escalatedIds.has(record.id)) return false;
    this.escalatedIds.add(record.id);
    this.bus.publish({
      type: 'approval.escalated',
      approvalId: record.id,
      runId: record.runId,
      nodeId: record.nodeId,
      title: record.title,
      riskLevel: record.riskLevel,
      expiresAt: record.expiresAt,
    });
    return true;
  }
}

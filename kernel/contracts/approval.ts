import { z } from 'zod';
import { RiskLevelSchema } from './risk-level.js';

/** A person's decision on a paused node. The approval files are the host's audit record. */
export const ApprovalDecisionSchema = z.strictObject({
  outcome: z.enum(['approved', 'rejected']),
  operator: z.string().min(1),
  comment: z.string().default(''),
  decidedAt: z.string(),
  via: z.enum(['cli', 'gui', 'api', 'timeout']),
});
export type ApprovalDecision = z.output<typeof ApprovalDecisionSchema>;

export const ApprovalRequestSchema = z.strictObject({
  id: z.string().min(1),
  runId: z.string().min(1),
  nodeId: z.string().min(1),
  planId: z.string().min(1),
  planVersion: z.number().int().positive(),
  /** Distinguishes repeated pauses of one node (loops, retries); `request` is idempotent on (runId, key). */
  key: z.string().min(1),
  title: z.string(),
  prompt: z.string(),
  riskLevel: RiskLevelSchema,
  approvers: z.array(z.string()).optional(),
  requestedAt: z.string(),
  requestedBy: z.string(),
  /** A preview of the node's inputs, secrets redacted. */
  context: z.unknown().optional(),
  expiresAt: z.string().optional(),
  onTimeout: z.enum(['reject', 'approve', 'escalate']).default('reject'),
});
export type ApprovalRequest = z.output<typeof ApprovalRequestSchema>;

export const ApprovalRecordSchema = ApprovalRequestSchema.extend({
  decision: ApprovalDecisionSchema.optional(),
});
export type ApprovalRecord = z.output<typeof ApprovalRecordSchema>;

export type NewApprovalRequest = Omit<ApprovalRequest, 'id' | 'requestedAt' | 'onTimeout'> & {
  onTimeout?: ApprovalRequest['onTimeout'];
};

/**
 * `state/approvals/pending.json` and `completed.json`, shared by the CLI and the server under an
 * inter-process lock. A decision moves a record exactly once; a second one is a `conflict`
 * ("already decided by X at T") and changes nothing. Decisions publish `approval.resolved`.
 */
export interface ApprovalStore {
  /** Creates the request, or returns the existing one for the same (runId, key). Publishes `approval.requested` once. */
  request(input: NewApprovalRequest): Promise<ApprovalRecord>;
  list(options?: { includeCompleted?: boolean; runId?: string }): Promise<ApprovalRecord[]>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  decide(id: string, decision: Omit<ApprovalDecision, 'decidedAt'>): Promise<ApprovalRecord>;
}
export const ApprovalStore = Symbol.for('orch.ApprovalStore');

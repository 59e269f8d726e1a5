import { z } from 'zod';
import { RiskLevelSchema } from '../../plans/api/index.js';

/**
 * Approvals: a run pauses at a `human_approval` node (or any node whose effective `requiresApproval`
 * is true), a person decides, the run goes on. The two files under `state/approvals/` —
 * `pending.json` and `completed.json` — are the shared truth between the CLI and the server and
 * the audit record the host relies on (Orch has no built-in authentication).
 */

/** Who or what decided: a person through the CLI, the GUI or the REST API, or the expiry rule. */
export const ApprovalViaSchema = z.enum(['cli', 'gui', 'api', 'timeout']);
export type ApprovalVia = z.infer<typeof ApprovalViaSchema>;

/** What happens when `expiresAt` passes with nobody deciding. `escalate` keeps it pending and raises it. */
export const ApprovalTimeoutActionSchema = z.enum(['reject', 'approve', 'escalate']);
export type ApprovalTimeoutAction = z.infer<typeof ApprovalTimeoutActionSchema>;

/** The operator recorded on decisions taken by the expiry rule. */
export const TIMEOUT_OPERATOR = 'system';

/** A person's decision on a paused node. The approval files are the host's audit record. */
export const ApprovalDecisionSchema = z.strictObject({
  outcome: z.enum(['approved', 'rejected']),
  operator: z.string().min(1),
  comment: z.string().default(''),
  decidedAt: z.string(),
  via: ApprovalViaSchema,
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
  /** Operators allowed to decide; anyone when absent. Decisions by the expiry rule are not bound by it. */
  approvers: z.array(z.string()).optional(),
  requestedAt: z.string(),
  requestedBy: z.string(),
  /** A preview of the node's inputs, secrets redacted. */
  context: z.unknown().optional(),
  expiresAt: z.string().optional(),
  onTimeout: ApprovalTimeoutActionSchema.default('reject'),
  /** Set when `expiresAt` passed with `onTimeout: escalate`: still pending, now overdue. */
  escalatedAt: z.string().optional(),
});
export type ApprovalRequest = z.output<typeof ApprovalRequestSchema>;

/**
 * Why nobody may decide any more: the run the request belongs to ended (cancelled, failed, or
 * completed through another branch) while the request was open. Nobody decided; the record moves to
 * `completed.json` with this instead of a decision, and a later decision is a `conflict`.
 */
export const ApprovalWithdrawalSchema = z.strictObject({
  outcome: z.literal('withdrawn'),
  /** E.g. `run run-… was cancelled by bob`. */
  reason: z.string().min(1),
  /** The run's status then: its final one (`cancelled`, `failed`, `completed`), or the one it had when the gate was skipped. */
  runStatus: z.string().min(1),
  withdrawnAt: z.string(),
});
export type ApprovalWithdrawal = z.output<typeof ApprovalWithdrawalSchema>;

export const ApprovalRecordSchema = ApprovalRequestSchema.extend({
  decision: ApprovalDecisionSchema.optional(),
  /** Set instead of `decision` when the run ended before anyone decided. */
  withdrawal: ApprovalWithdrawalSchema.optional(),
});
export type ApprovalRecord = z.output<typeof ApprovalRecordSchema>;

export type NewApprovalRequest = Omit<ApprovalRequest, 'id' | 'requestedAt' | 'onTimeout' | 'escalatedAt'> & {
  onTimeout?: ApprovalRequest['onTimeout'];
  /** Instead of `expiresAt`: expire this long after the request is first made (e.g. the node's `timeoutMs`). */
  timeoutMs?: number;
};

/**
 * `state/approvals/pending.json` and `completed.json`, shared by the CLI and the server under an
 * inter-process lock. A decision moves a record exactly once; a second one is a `conflict`
 * ("already decided by X at T") and changes nothing. Decisions publish `approval.resolved`.
 * Expiry is judged from the stored `expiresAt`, so it survives restarts: whoever touches an expired
 * request first (the server's timer, `run:resume`, a CLI decision) settles it per `onTimeout`.
 */
export interface ApprovalStore {
  /**
   * Creates the request, or returns the existing one for the same (runId, key) — pending, or
   * completed with its decision. Publishes `approval.requested` once.
   */
  request(input: NewApprovalRequest): Promise<ApprovalRecord>;
  /** Pending requests (oldest first); with `includeCompleted`, decided ones too. */
  list(options?: { includeCompleted?: boolean; runId?: string }): Promise<ApprovalRecord[]>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  /**
   * Records a decision. `not_found` for an unknown id, `conflict` when already decided (nothing
   * changes), `forbidden` when `approvers` is set and does not name the operator.
   */
  decide(id: string, decision: Omit<ApprovalDecision, 'decidedAt'>): Promise<ApprovalRecord>;
  /**
   * Settles pending requests whose `expiresAt` has passed (optionally of one run): decided as
   * `system` via `timeout` for reject/approve, marked `escalatedAt` for escalate. Returns the
   * records it changed. Call it before reading decisions after a restart.
   */
  expireDue?(options?: { runId?: string; now?: Date }): Promise<ApprovalRecord[]>;
  /**
   * The run ended (`runStatus`), or went on without these requests (`approvalIds`: a gate skipped
   * with `run:resume --skip-node`): its open requests (those named) move to `completed.json` with a withdrawal
   * (`outcome: "withdrawn"`, the reason and the run's final status) and `approval.withdrawn` is
   * published for each. Returns the withdrawn records (none when nothing was open). A decision
   * attempted afterwards is a `conflict` naming why.
   */
  withdraw?(runId: string, why: { reason: string; runStatus: string; approvalIds?: readonly string[] }): Promise<ApprovalRecord[]>;
}
export const ApprovalStore = Symbol.for('orch.ApprovalStore');

import { z } from 'zod';
import { defineRoute } from '../../server/api/index.js';
import { ApprovalRecordSchema } from './approval.js';

const IdParams = z.strictObject({ id: z.string().min(1) });
const Flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/** The most approvals one history page holds. */
export const HISTORY_PAGE_MAX = 500;

export const ApprovalListQuerySchema = z.strictObject({
  /** `true` (or `1`): decided ones too. */
  all: Flag,
  runId: z.string().min(1).optional(),
});

/** `?full=true`: every value in full; by default long values are cut (`truncated` lists which). */
export const ApprovalShowQuerySchema = z.strictObject({ full: Flag });

/** Query of `GET /api/approvals/history`. */
export const ApprovalHistoryQuerySchema = z.strictObject({
  limit: z.coerce.number().int().positive().max(HISTORY_PAGE_MAX).optional(),
  /** The `nextCursor` of the previous page: approvals settled before its last one. */
  before: z.string().min(1).optional(),
  runId: z.string().min(1).optional(),
  planId: z.string().min(1).optional(),
  /** `approved`, `rejected` or `withdrawn` (the run ended first); several comma-separated. */
  outcome: z.string().optional(),
  /** Who decided. */
  operator: z.string().min(1).optional(),
});
export type ApprovalHistoryQuery = z.output<typeof ApprovalHistoryQuerySchema>;

/** Body of `POST /api/approvals/:id/decision`. `via` comes from the request's client (x-orch-client). */
export const DecisionBodySchema = z.strictObject({
  outcome: z.enum(['approved', 'rejected']),
  comment: z.string().max(4000).default(''),
  /** Who decides; defaults to the request's `x-orch-operator` (else the server's operator). */
  operator: z.string().trim().min(1).max(128).optional(),
});
export type DecisionBody = z.input<typeof DecisionBodySchema>;

/** An approval in the history: the record without its context preview, long prompt and title cut (`GET /api/approvals/:id` has it all). */
export const ApprovalHistoryItemSchema = ApprovalRecordSchema.omit({ context: true }).extend({ outcome: z.string(), settledAt: z.string() });
export type ApprovalHistoryItem = z.output<typeof ApprovalHistoryItemSchema>;

export const ApprovalHistoryPageSchema = z.object({ approvals: z.array(ApprovalHistoryItemSchema), nextCursor: z.string().nullable() });
export type ApprovalHistoryPage = z.output<typeof ApprovalHistoryPageSchema>;

/** The approvals plugin's REST contracts (under `/api`): served by the plugin, called by its commands and the GUI. */
export const ApprovalsApi = {
  list: defineRoute({
    method: 'GET',
    path: '/approvals',
    summary: 'Pending approvals, oldest first; ?all=true adds decided ones, ?runId= filters by run',
    query: ApprovalListQuerySchema,
    response: z.object({ approvals: z.array(ApprovalRecordSchema) }),
  }),
  history: defineRoute({
    method: 'GET',
    path: '/approvals/history',
    summary: `Settled approvals (decided, expired, or withdrawn when their run ended first), newest first, a page at a time: { approvals, nextCursor } (limit ≤ ${HISTORY_PAGE_MAX}, default 50; before = the previous nextCursor; filters: runId, planId, outcome (approved, rejected, withdrawn; comma-separated), operator)`,
    query: ApprovalHistoryQuerySchema,
    response: ApprovalHistoryPageSchema,
  }),
  show: defineRoute({
    method: 'GET',
    path: '/approvals/:id',
    summary: 'One approval (exact id or unique prefix), with its decision once decided; long values are cut (listed in "truncated") unless ?full=true',
    params: IdParams,
    query: ApprovalShowQuerySchema,
    response: z.object({ approval: ApprovalRecordSchema, truncated: z.array(z.string()) }),
  }),
  decide: defineRoute({
    method: 'POST',
    path: '/approvals/:id/decision',
    summary: 'Approve or reject: { outcome: "approved" | "rejected", comment?, operator? }; 409 when already decided or withdrawn, 403 (forbidden) when the operator is not among its approvers',
    params: IdParams,
    body: DecisionBodySchema,
    response: z.object({ approval: ApprovalRecordSchema }),
  }),
};

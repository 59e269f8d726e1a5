import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { type HttpRoute, type HttpRoutes } from '../server/api/index.js';
import { ApprovalHistoryQuerySchema, HISTORY_PAGE_MAX, pageOfHistory } from './approval-history.js';
import { unknownApprovalError } from './approval-id.js';
import { SHOWN_CHARS, shownApproval } from './approval-preview.js';
import { FileApprovalStore } from './file-approval-store.js';

const IdParams = z.strictObject({ id: z.string().min(1) });

/** `?full=true`: every value in full; by default long values are cut (`truncated` lists which). */
export const ApprovalShowQuerySchema = z.strictObject({
  full: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});

export const ApprovalListQuerySchema = z.strictObject({
  /** `true` (or `1`): decided ones too. */
  all: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  runId: z.string().min(1).optional(),
});

/** Body of `POST /api/approvals/:id/decision`. `via` comes from the request's client (x-orch-client). */
export const DecisionBodySchema = z.strictObject({
  outcome: z.enum(['approved', 'rejected']),
  comment: z.string().max(4000).default(''),
  /** Who decides; defaults to the request's `x-orch-operator` (else the server's operator). */
  operator: z.string().trim().min(1).max(128).optional(),
});
export type DecisionBody = z.input<typeof DecisionBodySchema>;

/**
 * REST for the GUI and the CLI, under `/api`. Deciding through the server is what makes a run it
 * holds resume at once: the store publishes `approval.resolved` in the server's own process.
 */
@injectable()
export class ApprovalRoutes implements HttpRoutes {
  constructor(@inject(FileApprovalStore) private readonly store: FileApprovalStore) {}

  routes(): HttpRoute[] {
    return [
      {
        method: 'GET',
        path: '/approvals',
        summary: 'Pending approvals, oldest first; ?all=true adds decided ones, ?runId= filters by run',
        query: ApprovalListQuerySchema,
        handle: async ({ query }) => ({ approvals: await this.store.list({ includeCompleted: query.all, runId: query.runId }) }),
      },
      {
        method: 'GET',
        path: '/approvals/history',
        summary: `Settled approvals (decided, expired, or withdrawn when their run ended first), newest first, a page at a time: { approvals, nextCursor } (limit ≤ ${HISTORY_PAGE_MAX}, default 50; before = the previous nextCursor; filters: runId, planId, outcome (approved, rejected, withdrawn; comma-separated), operator)`,
        query: ApprovalHistoryQuerySchema,
        handle: async ({ query }) => pageOfHistory(await this.store.list({ includeCompleted: true, runId: query.runId }), query),
      },
      {
        method: 'GET',
        path: '/approvals/:id',
        summary: `One approval (exact id or unique prefix), with its decision once decided; values longer than ${SHOWN_CHARS} characters are cut (listed in "truncated") unless ?full=true`,
        params: IdParams,
        query: ApprovalShowQuerySchema,
        handle: async ({ params, query }) => {
          const record = await this.found(params.id);
          return query.full ? { approval: record, truncated: [] } : shownApproval(record);
        },
      },
      {
        method: 'POST',
        path: '/approvals/:id/decision',
        summary: 'Approve or reject: { outcome: "approved" | "rejected", comment?, operator? }; 409 when already decided, 403 (forbidden) when the operator is not among its approvers',
        params: IdParams,
        body: DecisionBodySchema,
        handle: async ({ params, body, operator, client }) => {
          const decided = await this.store.decide(params.id, {
            outcome: body.outcome,
            comment: body.comment,
            operator: body.operator ?? operator,
            via: client,
          });
          return { approval: decided };
        },
      },
    ];
  }

  private async found(id: string) {
    const record = await this.store.find(id);
    if (!record) throw unknownApprovalError(id);
    return record;
  }
}

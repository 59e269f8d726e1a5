import { inject, injectable } from 'inversify';
import { serveRoute, type HttpRoute, type HttpRoutes } from '../server/api/index.js';
import { ApprovalsApi } from './api/index.js';
import { pageOfHistory } from './approval-history.js';
import { unknownApprovalError } from './approval-id.js';
import { shownApproval } from './approval-preview.js';
import { FileApprovalStore } from './file-approval-store.js';

/**
 * REST for the GUI and the CLI, under `/api`. Deciding through the server is what makes a run it
 * holds resume at once: the store publishes `approval.resolved` in the server's own process.
 */
@injectable()
export class ApprovalRoutes implements HttpRoutes {
  constructor(@inject(FileApprovalStore) private readonly store: FileApprovalStore) {}

  routes(): HttpRoute[] {
    return [
      serveRoute(ApprovalsApi.list, async ({ query }) => ({ approvals: await this.store.list({ includeCompleted: query.all, runId: query.runId }) })),
      serveRoute(ApprovalsApi.history, async ({ query }) => pageOfHistory(await this.store.list({ includeCompleted: true, runId: query.runId }), query)),
      serveRoute(ApprovalsApi.show, async ({ params, query }) => {
        const record = await this.found(params.id);
        return query.full ? { approval: record, truncated: [] } : shownApproval(record);
      }),
      serveRoute(ApprovalsApi.decide, async ({ params, body, operator, client }) => ({
        approval: await this.store.decide(params.id, { outcome: body.outcome, comment: body.comment, operator: body.operator ?? operator, via: client }),
      })),
    ];
  }

  private async found(id: string) {
    const record = await this.store.find(id);
    if (!record) throw unknownApprovalError(id);
    return record;
  }
}

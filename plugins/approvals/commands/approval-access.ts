import { inject, injectable, optional } from 'inversify';
import { ProcessContext, type CommandIO } from '../../../kernel/index.js';
import { ApprovalsApi, type ApprovalRecord } from '../api/index.js';
import { serverOrLocal, ServerLink, type AccessVia, type ApiClient } from '../../server/api/index.js';
import { unknownApprovalError } from '../approval-id.js';
import { FileApprovalStore } from '../file-approval-store.js';

/** The approvals as a command reaches them: the live server's REST API, or the files themselves. */
export interface ApprovalsView {
  list(options: { all: boolean; runId?: string }): Promise<ApprovalRecord[]>;
  /** Exact id or unique prefix. */
  find(id: string): Promise<ApprovalRecord>;
  decide(id: string, outcome: 'approved' | 'rejected', comment: string): Promise<ApprovalRecord>;
}

/**
 * Picks how a command works: through a running Orch server (a decision resumes the run it holds at
 * once) when there is one, else straight on `state/approvals/` under the lock (the run continues
 * with the next `orch start` or `run:resume`) — and says which on stderr. A server started without
 * the approvals plugin cannot hold a run that waits for one, so the files are right then too.
 */
@injectable()
export class ApprovalAccess {
  constructor(
    @inject(FileApprovalStore) private readonly store: FileApprovalStore,
    @inject(ProcessContext) private readonly process: ProcessContext,
    @inject(ServerLink) @optional() private readonly link: ServerLink | undefined,
  ) {}

  open(io: CommandIO): Promise<ApprovalsView & { readonly via: AccessVia }> {
    return serverOrLocal(io, this.link, {
      remote: remoteView,
      local: () => this.filesView(),
      localNotice: 'working on state/approvals/ directly',
      localVia: 'files',
      fallBackWhenRoutesMissing: true,
      plugin: 'approvals',
    });
  }

  private filesView(): ApprovalsView {
    const store = this.store;
    const operator = this.process.operator;
    return {
      list: ({ all, runId }) => store.list({ includeCompleted: all, runId }),
      async find(id) {
        const record = await store.find(id);
        if (!record) throw unknownApprovalError(id);
        return record;
      },
      decide: (id, outcome, comment) => store.decide(id, { outcome, comment, operator, via: 'cli' }),
    };
  }
}

function remoteView(client: ApiClient): ApprovalsView {
  return {
    list: async ({ all, runId }) => (await client.call(ApprovalsApi.list, { query: { all: all ? 'true' : undefined, runId } })).approvals,
    find: async (id) => (await client.call(ApprovalsApi.show, { params: { id }, query: { full: 'true' } })).approval,
    decide: async (id, outcome, comment) => (await client.call(ApprovalsApi.decide, { params: { id }, body: { outcome, comment } })).approval,
  };
}

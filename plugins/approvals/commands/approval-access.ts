import { inject, injectable, optional } from 'inversify';
import { isOrchError, ProcessContext, type CommandIO } from '../../../kernel/index.js';
import { type ApprovalRecord } from '../api/index.js';
import { ServerLink } from '../../server/api/index.js';
import { unknownApprovalError } from '../approval-id.js';
import type { DecisionBody } from '../approval-routes.js';
import { FileApprovalStore } from '../file-approval-store.js';

/** The approvals as a command reaches them: the live server's REST API, or the files themselves. */
export interface ApprovalsView {
  readonly via: 'server' | 'files';
  list(options: { all: boolean; runId?: string }): Promise<ApprovalRecord[]>;
  /** Exact id or unique prefix. */
  find(id: string): Promise<ApprovalRecord>;
  decide(id: string, outcome: 'approved' | 'rejected', comment: string): Promise<ApprovalRecord>;
}

/**
 * Picks how a command works: through a running Orch server (a decision resumes the run it holds at
 * once) when there is one, else straight on `state/approvals/` under the lock (the run continues
 * with the next `orch start` or `run:resume`) — and says which on stderr.
 */
@injectable()
export class ApprovalAccess {
  constructor(
    @inject(FileApprovalStore) private readonly store: FileApprovalStore,
    @inject(ProcessContext) private readonly process: ProcessContext,
    @inject(ServerLink) @optional() private readonly link: ServerLink | undefined,
  ) {}

  async open(io: CommandIO): Promise<ApprovalsView> {
    const location = await this.link?.locate();
    if (location && this.link) {
      notice(io, `(through the Orch server at ${location.baseUrl}, pid ${location.pid})`);
      return withFilesFallback(remoteView(this.link), () => {
        notice(io, `(the Orch server at ${location.baseUrl} runs without the approvals plugin — working on state/approvals/ directly instead)`);
        return this.filesView();
      });
    }
    notice(io, '(no Orch server running — working on state/approvals/ directly)');
    return this.filesView();
  }

  private filesView(): ApprovalsView {
    const store = this.store;
    const operator = this.process.operator;
    return {
      via: 'files',
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

function remoteView(link: ServerLink): ApprovalsView {
  const enc = encodeURIComponent;
  return {
    via: 'server',
    async list({ all, runId }) {
      const query = new URLSearchParams({ ...(all ? { all: 'true' } : {}), ...(runId ? { runId } : {}) }).toString();
      return (await link.request<{ approvals: ApprovalRecord[] }>('GET', `/approvals${query ? `?${query}` : ''}`)).approvals;
    },
    find: async (id) => (await link.request<{ approval: ApprovalRecord }>('GET', `/approvals/${enc(id)}?full=true`)).approval,
    async decide(id, outcome, comment) {
      const body: DecisionBody = { outcome, comment };
      return (await link.request<{ approval: ApprovalRecord }>('POST', `/approvals/${enc(id)}/decision`, body)).approval;
    },
  };
}

/**
 * A server started without the approvals plugin (`orch start --plugins core`) has no approval
 * routes; it cannot hold a run that waits for one either, so the files are the right place then.
 */
function withFilesFallback(remote: ApprovalsView, files: () => ApprovalsView): ApprovalsView {
  let fallback: ApprovalsView | undefined;
  const attempt = async <T>(call: (view: ApprovalsView) => Promise<T>): Promise<T> => {
    if (fallback) return call(fallback);
    try {
      return await call(remote);
    } catch (error) {
      if (!(isOrchError(error) && error.code === 'not_found' && error.message.startsWith('No route '))) throw error;
      fallback = files();
      return call(fallback);
    }
  };
  return {
    get via() {
      return fallback ? fallback.via : remote.via;
    },
    list: (options) => attempt((view) => view.list(options)),
    find: (id) => attempt((view) => view.find(id)),
    decide: (id, outcome, comment) => attempt((view) => view.decide(id, outcome, comment)),
  };
}

/** A dim line on stderr saying where the answer comes from (stdout stays clean for --json). */
function notice(io: CommandIO, text: string): void {
  if (io.json) return;
  const dim = process.stderr.isTTY && !process.env.NO_COLOR;
  io.err(dim ? `\x1b[2m${text}\x1b[22m` : text);
}

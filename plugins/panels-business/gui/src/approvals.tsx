import { useEffect, useRef, useState } from 'react';
import { api, ApiError, Link, navigate, useApi, useEvents, useSnapshot, type ApprovalRecord, type PanelProps } from '@orch/gui-sdk';
import { EmptyState, ErrorAlert, formatTime, JsonBlock, Loading, PageHeader, RiskBadge, timeAgo } from './ui';
import { useAction } from './use-action';

/** The status-bar badge: pending approvals across all runs, live. */
export function ApprovalsBadge() {
  const snapshot = useSnapshot();
  const pending = snapshot?.approvals?.pending;
  if (pending === undefined) return null;
  return (
    <Link to="/approvals" className={`btn btn-sm ${pending > 0 ? 'btn-warning' : 'btn-ghost'}`} data-testid="approvals-badge" title="Pending approvals across all runs">
      Approvals <span className="badge badge-sm tabular-nums">{pending}</span>
    </Link>
  );
}

/** One inbox for every pending approval of every run, with Approve / Reject forms and the history. */
export function ApprovalsPanel({ route }: PanelProps) {
  const [tab, setTab] = useState<'pending' | 'history'>(route[0] === 'history' ? 'history' : 'pending');
  const pending = useApi<{ approvals: ApprovalRecord[] }>('/api/approvals', { refreshOn: 'approval' });
  const history = useApi<{ approvals: ApprovalRecord[] }>(tab === 'history' ? '/api/approvals?all=true' : null, { refreshOn: 'approval' });
  const focus = route[0] && route[0] !== 'history' ? route[0] : undefined;
  const [recent, setRecent] = useState<Array<{ approval: ApprovalRecord; message: string; ok: boolean }>>([]);
  const list = (pending.data?.approvals ?? []).filter((a) => !recent.some((r) => r.approval.id === a.id));
  const decided = (approval: ApprovalRecord, message: string, ok = true) => {
    setRecent((r) => [{ approval, message, ok }, ...r.filter((x) => x.approval.id !== approval.id)].slice(0, 5));
    pending.reload();
  };
  useEvents(['approval.resolved', 'approval.withdrawn'], (event) => {
    const approval = pending.data?.approvals.find((a) => a.id === event.approvalId);
    if (!approval || recent.some((r) => r.approval.id === approval.id)) return;
    if (event.type === 'approval.withdrawn') decided(approval, `withdrawn: ${String(event.reason)}`, false);
    else decided(approval, `${String(event.outcome)} by ${String(event.operator)} (via ${String(event.via)})`, event.outcome === 'approved');
  });
  return (
    <div className="p-6 max-w-5xl mx-auto" data-testid="approvals-panel">
      <PageHeader title="Approvals" subtitle="Every run that waits for a person, oldest first. A decision resumes the run at once.">
        <div role="tablist" className="tabs tabs-box">
          <button role="tab" className={`tab ${tab === 'pending' ? 'tab-active' : ''}`} onClick={() => setTab('pending')}>
            Pending {pending.data && <span className="badge badge-sm ml-2">{list.length}</span>}
          </button>
          <button role="tab" className={`tab ${tab === 'history' ? 'tab-active' : ''}`} onClick={() => setTab('history')}>
            History
          </button>
        </div>
      </PageHeader>
      {tab === 'pending' && recent.length > 0 && (
        <div className="flex flex-col gap-2 mb-4">
          {recent.map(({ approval, message, ok }) => (
            <div key={approval.id} className={`alert ${ok ? 'alert-success' : 'alert-warning'} py-2 text-sm`} data-testid="approval-done">
              <span className="flex-1 min-w-0 truncate">
                <strong>{approval.title || approval.nodeId}</strong>: {message}
              </span>
              <Link to={`/runs/${encodeURIComponent(approval.runId)}`} className="btn btn-xs">
                Open the run
              </Link>
            </div>
          ))}
        </div>
      )}
      {tab === 'pending' ? (
        pending.error ? (
          <ErrorAlert error={pending.error} what="The pending approvals could not be read" />
        ) : !pending.data ? (
          <Loading what="approvals" />
        ) : list.length === 0 ? (
          <EmptyState title={recent.length ? 'Nothing else waits for a decision' : 'Nothing waits for a decision'}>When a run reaches an approval step it shows up here, with its context and Approve / Reject.</EmptyState>
        ) : (
          <div className="flex flex-col gap-4">
            {list.map((approval) => (
              <ApprovalCard key={approval.id} approval={approval} focused={focus !== undefined && approval.id.startsWith(focus)} onDecided={decided} />
            ))}
          </div>
        )
      ) : history.error ? (
        <ErrorAlert error={history.error} what="The approval history could not be read" />
      ) : !history.data ? (
        <Loading what="history" />
      ) : (
        <ApprovalHistory approvals={history.data.approvals.filter((a) => a.decision || a.withdrawal)} />
      )}
    </div>
  );
}

function ApprovalCard({ approval, focused, onDecided }: { approval: ApprovalRecord; focused: boolean; onDecided: (approval: ApprovalRecord, message: string, ok?: boolean) => void }) {
  const [comment, setComment] = useState('');
  const { busy, error, ready, run } = useAction<'approved' | 'rejected'>((e) => (e instanceof ApiError && e.status === 409 ? `Already decided: ${e.message}` : (e as Error).message));
  const card = useRef<HTMLElement>(null);
  useEffect(() => {
    if (focused) card.current?.scrollIntoView({ block: 'center' });
  }, [focused]);
  const decide = (outcome: 'approved' | 'rejected') =>
    run(outcome, async () => {
      await api.post(`/api/approvals/${encodeURIComponent(approval.id)}/decision`, { outcome, comment });
      onDecided(approval, outcome === 'approved' ? 'approved — the run resumes' : 'rejected', outcome === 'approved');
    });
  const overdue = approval.expiresAt !== undefined && new Date(approval.expiresAt).getTime() < Date.now();
  return (
    <article ref={card} className={`card bg-base-100 border ${focused ? 'border-primary' : 'border-base-300'} shadow-sm`} data-testid="approval-card" data-approval={approval.id}>
      <div className="card-body gap-3">
        <div className="flex items-start gap-3 flex-wrap">
          <h2 className="card-title text-base flex-1 min-w-0 break-words">{approval.title || approval.nodeId}</h2>
          <RiskBadge risk={approval.riskLevel} />
          {approval.escalatedAt && <span className="badge badge-sm badge-error">escalated</span>}
        </div>
        <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
          <div className="min-w-0">
            <dt className="text-xs opacity-60">Plan</dt>
            <dd className="truncate">
              <Link className="link link-hover" to={`/plans/${encodeURIComponent(approval.planId)}/v/${approval.planVersion}`}>
                {approval.planId} v{approval.planVersion}
              </Link>
            </dd>
          </div>
          <div className="min-w-0">
            <dt className="text-xs opacity-60">Run · step</dt>
            {/* The whole id: its last part is what tells two runs of one day apart. */}
            <dd className="font-mono text-sm">
              <Link className="link link-hover block truncate" to={`/runs/${encodeURIComponent(approval.runId)}`} title={approval.runId}>
                {approval.runId}
              </Link>
              <span className="block truncate opacity-80" title={approval.nodeId}>
                {approval.nodeId}
              </span>
            </dd>
          </div>
          <div>
            <dt className="text-xs opacity-60">Requested</dt>
            <dd title={approval.requestedAt}>
              {timeAgo(approval.requestedAt)} by {approval.requestedBy}
            </dd>
          </div>
          <div>
            <dt className="text-xs opacity-60">Expires</dt>
            <dd className={overdue ? 'text-error' : ''} title={approval.expiresAt}>
              {approval.expiresAt ? `${timeAgo(approval.expiresAt)} (then ${approval.onTimeout ?? 'reject'})` : 'never'}
            </dd>
          </div>
        </dl>
        {approval.prompt && <p className="whitespace-pre-wrap text-sm bg-base-200 rounded p-3">{approval.prompt}</p>}
        {approval.context !== undefined && (
          <details className="collapse collapse-arrow bg-base-200">
            <summary className="collapse-title text-sm min-h-0 py-2">Inputs of the step</summary>
            <div className="collapse-content">
              <JsonBlock value={approval.context} />
            </div>
          </details>
        )}
        {approval.approvers && approval.approvers.length > 0 && <p className="text-xs opacity-70">Only {approval.approvers.join(', ')} may decide.</p>}
        {(
          <form
            className="flex flex-col gap-2"
            onSubmit={(event) => {
              event.preventDefault();
            }}
          >
            <label className="text-xs opacity-70" htmlFor={`comment-${approval.id}`}>
              Comment (recorded with your decision)
            </label>
            <textarea
              id={`comment-${approval.id}`}
              className="textarea w-full"
              rows={2}
              maxLength={4000}
              value={comment}
              onChange={(event) => setComment(event.target.value)}
              placeholder="Why you approve or reject"
              data-testid="approval-comment"
            />
            {error && <div className="alert alert-error py-2 text-sm">{error}</div>}
            <div className="card-actions justify-end">
              <button type="button" className="btn btn-sm btn-error btn-outline" disabled={!ready} onClick={() => void decide('rejected')} data-testid="reject">
                {busy === 'rejected' && <span className="loading loading-spinner loading-xs" />} Reject
              </button>
              <button type="button" className="btn btn-sm btn-success" disabled={!ready} onClick={() => void decide('approved')} data-testid="approve">
                {busy === 'approved' && <span className="loading loading-spinner loading-xs" />} Approve
              </button>
            </div>
          </form>
        )}
      </div>
    </article>
  );
}

function ApprovalHistory({ approvals }: { approvals: ApprovalRecord[] }) {
  const when = (a: ApprovalRecord) => a.decision?.decidedAt ?? a.withdrawal?.withdrawnAt ?? '';
  const sorted = [...approvals].sort((a, b) => when(b).localeCompare(when(a)));
  if (sorted.length === 0) return <EmptyState title="No decisions yet">Decisions taken in the GUI, the CLI or by expiry are listed here.</EmptyState>;
  return (
    <div className="overflow-x-auto bg-base-100 rounded-box border border-base-300">
      <table className="table table-sm" data-testid="approval-history">
        <thead>
          <tr>
            <th>Decided</th>
            <th>Step</th>
            <th>Outcome</th>
            <th>Operator</th>
            <th>Via</th>
            <th>Comment</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((a) => (
            <tr key={a.id} className="cursor-pointer hover:bg-base-200" onClick={() => navigate(`/runs/${encodeURIComponent(a.runId)}`)}>
              <td className="whitespace-nowrap">{formatTime(when(a))}</td>
              <td className="max-w-64 truncate" title={a.title}>
                {a.title || a.nodeId}
              </td>
              <td>
                <span className={`badge badge-sm ${a.decision?.outcome === 'approved' ? 'badge-success' : a.decision ? 'badge-error' : 'badge-ghost'}`}>{a.decision?.outcome ?? 'withdrawn'}</span>
              </td>
              <td>{a.decision?.operator ?? <span className="opacity-50">—</span>}</td>
              <td>{a.decision?.via ?? <span className="opacity-50">run ended</span>}</td>
              <td className="max-w-72 truncate" title={a.decision?.comment ?? a.withdrawal?.reason}>
                {a.decision?.comment || a.withdrawal?.reason || <span className="opacity-50">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { useState } from 'react';
import { api, Link, navigate, useApi, type PanelProps, type RunListItem, type RunRecord, type RunStatus } from '@orch/gui-sdk';
import { RunPage } from './run-page';
import { EmptyState, ErrorAlert, formatDuration, formatTime, label, Loading, PageHeader, planOf, StatusBadge, timeAgo } from './ui';
import { useAction } from './use-action';

const STATUSES: RunStatus[] = ['running', 'waiting_approval', 'needs_attention', 'blocked', 'completed', 'failed', 'cancelled'];
const PAGE = 25;

export function RunsPanel({ route }: PanelProps) {
  if (route[0]) return <RunPage runId={route[0]} rest={route.slice(1)} />;
  return <RunList />;
}

interface RunPageAnswer {
  runs: Array<RunListItem & { nodes?: RunRecord['nodes'] }>;
  nextCursor?: string | null;
}

function RunList() {
  const [status, setStatus] = useState('');
  const [planId, setPlanId] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const [limit, setLimit] = useState(PAGE);
  const [starting, setStarting] = useState(false);
  const before = cursors.at(-1);
  const query = new URLSearchParams({ limit: String(limit) });
  if (status) query.set('status', status);
  if (planId.trim()) query.set('planId', planId.trim());
  if (before) query.set('before', before);
  const runs = useApi<RunPageAnswer>(`/api/runs?${query}`, { refreshOn: 'run', debounceMs: 300 });
  const list = runs.data?.runs ?? [];
  const cursorPaging = runs.data !== undefined && 'nextCursor' in runs.data;
  const hasMore = cursorPaging ? Boolean(runs.data?.nextCursor) : list.length >= limit;
  return (
    <div className="p-6 max-w-6xl mx-auto" data-testid="runs-panel">
      <PageHeader title="Runs" subtitle="Every run of every plan, newest first. Live: statuses change as the runs go.">
        <button className="btn btn-sm btn-primary" onClick={() => setStarting((s) => !s)} data-testid="start-run-toggle">
          Start a run
        </button>
      </PageHeader>
      {starting && <StartRunForm onClose={() => setStarting(false)} />}
      <div className="flex gap-2 mb-3 flex-wrap items-end">
        <label className="flex flex-col gap-1 text-xs">
          <span className="opacity-70">Status</span>
          <select
            className="select select-sm w-48"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setCursors([]);
            }}
            data-testid="status-filter"
          >
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-xs">
          <span className="opacity-70">Plan id</span>
          <input
            className="input input-sm w-56"
            value={planId}
            placeholder="any plan"
            onChange={(e) => {
              setPlanId(e.target.value);
              setCursors([]);
            }}
          />
        </label>
        {runs.loading && <span className="loading loading-spinner loading-xs mb-2" />}
      </div>
      {runs.error ? (
        <ErrorAlert error={runs.error} what="The runs could not be read" />
      ) : !runs.data ? (
        <Loading what="runs" />
      ) : list.length === 0 ? (
        <EmptyState title={status || planId ? 'No run matches these filters' : 'No runs yet'}>Start one from a stored plan with “Start a run”, or from the CLI with orch run:auto.</EmptyState>
      ) : (
        <>
          <div className="overflow-x-auto bg-base-100 rounded-box border border-base-300">
            <table className="table table-sm" data-testid="runs-table">
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Plan</th>
                  <th>Status</th>
                  <th>Progress</th>
                  <th>Started</th>
                  <th className="text-right">Duration</th>
                  <th>Operator</th>
                </tr>
              </thead>
              <tbody>
                {list.map((run) => (
                  <RunRow key={run.runId} run={run} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="flex justify-between items-center mt-3 text-sm">
            <span className="opacity-70">
              {list.length} run{list.length === 1 ? '' : 's'}
              {cursors.length > 0 ? ` · page ${cursors.length + 1}` : ''}
            </span>
            <div className="join">
              {cursorPaging && cursors.length > 0 && (
                <button className="btn btn-sm join-item" onClick={() => setCursors((c) => c.slice(0, -1))}>
                  Newer
                </button>
              )}
              {hasMore && (
                <button
                  className="btn btn-sm join-item"
                  onClick={() => (cursorPaging ? setCursors((c) => [...c, runs.data!.nextCursor!]) : setLimit((n) => n + PAGE))}
                  data-testid="older-runs"
                >
                  {cursorPaging ? 'Older' : 'Show more'}
                </button>
              )}
            </div>
          </div>
        </>
      )}
    </div>
  );
}

function RunRow({ run }: { run: RunListItem & { nodes?: RunRecord['nodes'] } }) {
  const done = run.counts ? (run.counts.succeeded ?? 0) + (run.counts.skipped ?? 0) : Object.values(run.nodes ?? {}).filter((n) => n.status === 'succeeded' || n.status === 'skipped').length;
  const end = run.finishedAt ?? (['completed', 'failed', 'cancelled'].includes(run.status) ? run.updatedAt : undefined);
  const duration = end ? new Date(end).getTime() - new Date(run.createdAt).getTime() : undefined;
  const to = `/runs/${encodeURIComponent(run.runId)}`;
  return (
    <tr className="cursor-pointer hover:bg-base-200" onClick={() => navigate(to)} data-run={run.runId}>
      <td className="font-mono text-xs whitespace-nowrap">
        <Link to={to} className="link link-hover" onClick={(e) => e.stopPropagation()} title={run.runId}>
          {run.runId.replace(/^run-/, '')}
        </Link>
      </td>
      <td className="max-w-72">
        <div className="truncate" title={run.planName ?? run.planId}>
          {run.planName ?? run.planId}
        </div>
        <div className="text-xs opacity-60 truncate">
          {run.planId} v{run.planVersion}
          {run.replayOf ? ` · replay of ${run.replayOf.runId.replace(/^run-/, '')}` : ''}
        </div>
      </td>
      <td>
        <StatusBadge status={run.status} />
      </td>
      <td className="tabular-nums text-xs">
        {run.leafCount ? (
          // A completed run's bar is full: the steps it never reached are branches its conditions did not take.
          <div className="flex items-center gap-2" title={run.status === 'completed' && done < run.leafCount ? `${run.leafCount - done} not run (conditions not met)` : undefined}>
            <progress className="progress progress-success w-20" value={run.status === 'completed' ? run.leafCount : done} max={run.leafCount} />
            {done}/{run.leafCount}
          </div>
        ) : (
          `${done} done`
        )}
      </td>
      <td className="whitespace-nowrap text-xs" title={formatTime(run.createdAt)}>
        {timeAgo(run.createdAt)}
      </td>
      <td className="text-right tabular-nums text-xs">{formatDuration(duration)}</td>
      <td className="text-xs">{run.operator}</td>
    </tr>
  );
}

interface DeclaredInput {
  type?: string;
  description?: string;
  default?: unknown;
  required?: boolean;
}

/**
 * Start a run of a stored plan: one field per input the plan declares (typed as text and converted
 * by the server to the declared type, `inputsAsText`); empty fields take their defaults.
 */
export function StartRunForm({ onClose, planId: fixedPlan, version }: { onClose: () => void; planId?: string; version?: number }) {
  const plans = useApi<{ plans: Array<{ id: string; name: string; activeVersion: number }> }>(fixedPlan ? null : '/api/plans');
  const [planId, setPlanId] = useState(fixedPlan ?? '');
  const plan = useApi<Record<string, unknown>>(planId ? `/api/plans/${encodeURIComponent(planId)}${version ? `?version=${version}` : ''}` : null);
  const declared = (planOf(plan.data)?.inputs ?? {}) as Record<string, DeclaredInput>;
  const [values, setValues] = useState<Record<string, string>>({});
  const action = useAction();
  const { error } = action;
  const busy = action.busy !== null;
  const submit = () =>
    action.run('start', async () => {
      const inputs = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
      const answer = await api.post<{ run: RunRecord }>('/api/runs', { planId, ...(version ? { version } : {}), inputs, inputsAsText: true });
      onClose();
      navigate(`/runs/${encodeURIComponent(answer.run.runId)}`);
    });
  const names = Object.keys(declared);
  return (
    <div className="card bg-base-100 border border-base-300 mb-4" data-testid="start-run-form">
      <div className="card-body gap-3">
        <h2 className="card-title text-base">Start a run{fixedPlan ? ` of ${fixedPlan}${version ? ` v${version}` : ''}` : ' of a stored plan'}</h2>
        {!fixedPlan && (
          <label className="flex flex-col gap-1 text-xs">
            <span className="opacity-70">Plan (its active version)</span>
            <select
              className="select select-sm w-80"
              value={planId}
              onChange={(e) => {
                setPlanId(e.target.value);
                setValues({});
              }}
              data-testid="start-run-plan"
            >
              <option value="">Choose a plan…</option>
              {(plans.data?.plans ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name || p.id} (v{p.activeVersion})
                </option>
              ))}
            </select>
          </label>
        )}
        {planId && plan.data && names.length === 0 && <p className="text-sm opacity-70">This plan takes no inputs.</p>}
        {names.length > 0 && (
          <div className="grid grid-cols-2 gap-3">
            {names.map((name) => {
              const input = declared[name]!;
              const fallback = input.default === undefined ? '' : typeof input.default === 'string' ? input.default : JSON.stringify(input.default);
              return (
                <label key={name} className="flex flex-col gap-1 text-xs min-w-0">
                  <span className="opacity-70 truncate">
                    <span className="font-mono font-semibold">{name}</span> {input.type ? `(${input.type})` : ''} {input.description ?? ''}
                  </span>
                  <input
                    className="input input-sm w-full font-mono"
                    value={values[name] ?? ''}
                    placeholder={fallback ? `default: ${fallback}` : input.required === false ? 'optional' : 'required'}
                    onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
                    data-input={name}
                  />
                </label>
              );
            })}
          </div>
        )}
        {error && <div className="alert alert-error py-2 text-sm">{error}</div>}
        <div className="card-actions justify-end">
          <button className="btn btn-sm btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button className="btn btn-sm btn-primary" disabled={!planId || !action.ready} onClick={() => void submit()} data-testid="start-run-submit">
            {busy && <span className="loading loading-spinner loading-xs" />} Start
          </button>
        </div>
      </div>
    </div>
  );
}

import { useEffect, useMemo, useState } from 'react';
import { api, Link, navigate, useApi, type PanelProps, type PlanDocument } from '@orch/gui-sdk';
import type { LayoutPlanNode } from './canvas/block-layout';
import { PlanCanvas } from './canvas/PlanCanvas';
import { NodeStatusStore } from './canvas/status-store';
import { useAction } from './use-action';
import { findNode } from './run-page';
import { StartRunForm } from './runs';
import { planOf, EmptyState, ErrorAlert, formatTime, JsonBlock, Loading, PageHeader, timeAgo } from './ui';

interface PlanSummary {
  id: string;
  name: string;
  goal: string;
  activeVersion: number;
  latestVersion: number;
  updatedAt: string;
}
interface PlanVersionInfo {
  version: number;
  createdAt: string;
  createdBy: string;
  origin: string;
  active: boolean;
}
interface PlanIssue {
  path: string;
  message: string;
  severity: 'error' | 'warning';
  nodeId?: string;
  field?: string;
}
interface DryRunNodeReport {
  nodeId: string;
  issues: PlanIssue[];
  children: DryRunNodeReport[];
}
interface DryRunReport {
  ok: boolean;
  issues: PlanIssue[];
  root?: DryRunNodeReport;
  nodeCount: number;
  errorCount: number;
  warningCount: number;
}
interface FieldChange {
  field: string;
  before?: unknown;
  after?: unknown;
}
interface PlanDiff {
  from: number;
  to: number;
  identical: boolean;
  plan: FieldChange[];
  added: Array<{ nodeId: string; type: string }>;
  removed: Array<{ nodeId: string; type: string }>;
  moved: Array<{ nodeId: string; type: string }>;
  changed: Array<{ nodeId: string; type: string; changes: FieldChange[] }>;
}

export function PlansPanel({ route }: PanelProps) {
  if (route[0] === 'new') return <SavePlan />;
  if (route[0]) {
    const version = route[1] === 'v' && route[2] ? Number(route[2]) : undefined;
    return <PlanPage planId={route[0]} version={Number.isInteger(version) ? version : undefined} />;
  }
  return <PlanList />;
}

function PlanList() {
  const plans = useApi<{ plans: PlanSummary[] }>('/api/plans', { refreshOn: 'plan' });
  return (
    <div className="p-6 max-w-6xl mx-auto" data-testid="plans-panel">
      <PageHeader title="Plans" subtitle="Stored plans and their versions. Open one to see its topology, check it, compare versions or roll back.">
        <Link to="/plans/new" className="btn btn-sm btn-primary" data-testid="new-plan">
          Save a plan file
        </Link>
      </PageHeader>
      {plans.error ? (
        <ErrorAlert error={plans.error} what="The plans could not be read" />
      ) : !plans.data ? (
        <Loading what="plans" />
      ) : plans.data.plans.length === 0 ? (
        <EmptyState title="No plans stored yet">Save a plan file here, design one with orch plan:design, or store the examples with orch plan:save examples/plans/*.json.</EmptyState>
      ) : (
        <div className="overflow-x-auto bg-base-100 rounded-box border border-base-300">
          <table className="table table-sm" data-testid="plans-table">
            <thead>
              <tr>
                <th>Plan</th>
                <th>Goal</th>
                <th className="text-right">Active</th>
                <th className="text-right">Latest</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {plans.data.plans.map((p) => (
                <tr key={p.id} className="cursor-pointer hover:bg-base-200" onClick={() => navigate(`/plans/${encodeURIComponent(p.id)}`)} data-plan={p.id}>
                  <td className="max-w-72">
                    <Link to={`/plans/${encodeURIComponent(p.id)}`} className="font-semibold link link-hover block truncate" onClick={(e) => e.stopPropagation()}>
                      {p.name || p.id}
                    </Link>
                    <div className="text-xs opacity-60 font-mono truncate">{p.id}</div>
                  </td>
                  <td className="max-w-96">
                    <div className="line-clamp-2 text-xs opacity-80">{p.goal}</div>
                  </td>
                  <td className="text-right tabular-nums">v{p.activeVersion}</td>
                  <td className="text-right tabular-nums">v{p.latestVersion}</td>
                  <td className="text-xs whitespace-nowrap" title={formatTime(p.updatedAt)}>
                    {timeAgo(p.updatedAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** Node id → messages, from a dry-run report (plan-level issues stay in the list). */
function issuesByNode(report: DryRunReport | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (issue: PlanIssue) => {
    if (!issue.nodeId) return;
    (out[issue.nodeId] ??= []).push(`${issue.severity}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`);
  };
  const walk = (node: DryRunNodeReport | undefined) => {
    if (!node) return;
    node.issues.forEach(add);
    node.children.forEach(walk);
  };
  report?.issues.forEach(add);
  walk(report?.root);
  return out;
}

function allIssues(report: DryRunReport): PlanIssue[] {
  const out = [...report.issues];
  const walk = (node: DryRunNodeReport | undefined) => {
    if (!node) return;
    out.push(...node.issues);
    node.children.forEach(walk);
  };
  walk(report.root);
  return out.filter((issue, i) => out.findIndex((o) => o.path === issue.path && o.message === issue.message) === i);
}

function DryRunResult({ report }: { report: DryRunReport }) {
  const issues = allIssues(report);
  return (
    <div className={`alert alert-soft ${report.ok ? (report.warningCount ? 'alert-warning' : 'alert-success') : 'alert-error'} text-sm`} data-testid="dry-run-result" data-ok={report.ok}>
      <div className="flex flex-col gap-1 min-w-0 w-full">
      <strong>
        {report.ok ? 'The dry run found no errors' : `The dry run found ${report.errorCount} error${report.errorCount === 1 ? '' : 's'}`}
        {report.warningCount ? ` and ${report.warningCount} warning${report.warningCount === 1 ? '' : 's'}` : ''} · {report.nodeCount} nodes checked
      </strong>
      {issues.length > 0 && (
        <ul className="list-disc pl-5 max-h-48 overflow-auto w-full">
          {issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`} className="break-all">
              <span className="font-mono text-xs">{issue.path}</span> — {issue.message}
            </li>
          ))}
        </ul>
      )}
      </div>
    </div>
  );
}

function PlanPage({ planId, version }: { planId: string; version?: number }) {
  const versions = useApi<{ versions: PlanVersionInfo[] }>(`/api/plans/${encodeURIComponent(planId)}/versions`, { refreshOn: 'plan' });
  const plan = useApi<PlanDocument | { plan: PlanDocument }>(`/api/plans/${encodeURIComponent(planId)}${version ? `?version=${version}` : ''}`, { refreshOn: 'plan' });
  const document = planOf(plan.data);
  const active = versions.data?.versions.find((v) => v.active)?.version;
  const shown = version ?? document?.version ?? active;
  const [report, setReport] = useState<DryRunReport | null>(null);
  const [diff, setDiff] = useState<PlanDiff | null>(null);
  const { busy, error, ready, run: act } = useAction();
  const [selected, setSelected] = useState<string | null>(null);
  const store = useMemo(() => new NodeStatusStore(), []);
  useEffect(() => {
    setReport(null);
    setDiff(null);
    setSelected(null);
    store.setIssues({});
  }, [planId, version, store]);
  const dryRun = () =>
    act('dry-run', async () => {
      const result = await api.post<DryRunReport>('/api/plans/dry-run', { planId, ...(shown ? { version: shown } : {}) });
      setReport(result);
      store.setIssues(issuesByNode(result));
    });
  const showDiff = () => act('diff', async () => setDiff(await api.get<PlanDiff>(`/api/plans/${encodeURIComponent(planId)}/diff?a=${shown}${active ? `&b=${active}` : ''}`)));
  const rollback = () =>
    act('rollback', async () => {
      const answer = await api.post<{ plan: PlanDocument }>(`/api/plans/${encodeURIComponent(planId)}/rollback`, { to: shown });
      versions.reload();
      navigate(`/plans/${encodeURIComponent(planId)}/v/${answer.plan.version}`);
    });
  const [starting, setStarting] = useState(false);
  const root = document?.root as LayoutPlanNode | undefined;
  const selectedNode = selected ? findNode(root, selected) : undefined;
  return (
    <div className="p-6 flex flex-col gap-4" data-testid="plan-page">
      <Link to="/plans" className="link link-hover text-sm opacity-70">
        ← All plans
      </Link>
      {plan.error ? (
        <ErrorAlert error={plan.error} what={`Plan ${planId}${version ? ` v${version}` : ''} could not be read`} />
      ) : !document ? (
        <Loading what={`plan ${planId}`} />
      ) : (
        <>
          <PageHeader
            title={
              <span className="flex items-center gap-3">
                <span className="truncate">{document.name || planId}</span>
                <span className="badge badge-sm">v{shown}</span>
                {shown === active ? <span className="badge badge-sm badge-success">active</span> : <span className="badge badge-sm badge-ghost">not active</span>}
              </span>
            }
            subtitle={document.goal}
          >
            <button className="btn btn-sm" disabled={!ready} onClick={() => void dryRun()} data-testid="dry-run">
              {busy === 'dry-run' && <span className="loading loading-spinner loading-xs" />} Dry run
            </button>
            {active !== undefined && shown !== active && (
              <>
                <button className="btn btn-sm" disabled={!ready} onClick={() => void showDiff()} data-testid="diff">
                  Compare with active v{active}
                </button>
                <button className="btn btn-sm btn-warning" disabled={!ready} onClick={() => void rollback()} data-testid="rollback">
                  Roll back to v{shown}
                </button>
              </>
            )}
            <button className="btn btn-sm btn-primary" disabled={!ready} onClick={() => setStarting((s) => !s)} data-testid="start-plan-run">
              Start a run
            </button>
          </PageHeader>
          {error && <div className="alert alert-error text-sm">{error}</div>}
          {starting && <StartRunForm planId={planId} version={shown} onClose={() => setStarting(false)} />}
          {report && <DryRunResult report={report} />}
          {diff && <DiffView diff={diff} onClose={() => setDiff(null)} />}
          <div className="flex gap-4 items-start">
            <div className="flex-1 min-w-0">{root ? <PlanCanvas root={root} store={store} onSelect={setSelected} className="h-[62vh] min-h-96 w-full rounded-box border border-base-300 bg-base-100" /> : <EmptyState title="This plan has no nodes" />}</div>
            <aside className="w-72 shrink-0 flex flex-col gap-3">
              {selectedNode && (
                <div className="bg-base-100 rounded-box border border-base-300 p-3 flex flex-col gap-2" data-testid="plan-node">
                  <div className="flex items-center gap-2">
                    <h2 className="font-semibold truncate flex-1">{selectedNode.title ?? selectedNode.id}</h2>
                    <button className="btn btn-xs btn-ghost" onClick={() => setSelected(null)} aria-label="Close">
                      ✕
                    </button>
                  </div>
                  <JsonBlock value={{ ...selectedNode, children: undefined, branches: undefined, body: undefined, else: undefined }} />
                </div>
              )}
              <div className="bg-base-100 rounded-box border border-base-300 p-3">
                <h2 className="font-semibold text-sm mb-2">Versions</h2>
                {versions.error ? (
                  <p className="text-xs text-error">{versions.error.message}</p>
                ) : (
                  <ul className="menu menu-sm p-0 w-full" data-testid="plan-versions">
                    {[...(versions.data?.versions ?? [])].reverse().map((v) => (
                      <li key={v.version}>
                        <Link to={`/plans/${encodeURIComponent(planId)}/v/${v.version}`} className={v.version === shown ? 'menu-active' : ''}>
                          <span className="font-semibold tabular-nums">v{v.version}</span>
                          <span className="text-xs opacity-70 truncate flex-1">
                            {v.origin} · {v.createdBy}
                          </span>
                          {v.active && <span className="badge badge-xs badge-success">active</span>}
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </aside>
          </div>
        </>
      )}
    </div>
  );
}

function DiffView({ diff, onClose }: { diff: PlanDiff; onClose: () => void }) {
  const change = (c: FieldChange) => (
    <li key={c.field} className="text-xs">
      <span className="font-mono">{c.field}</span>: <span className="line-through opacity-60">{JSON.stringify(c.before) ?? '—'}</span> → <span>{JSON.stringify(c.after) ?? '—'}</span>
    </li>
  );
  return (
    <div className="card bg-base-100 border border-base-300" data-testid="plan-diff">
      <div className="card-body gap-2">
        <div className="flex items-center">
          <h2 className="card-title text-base flex-1">
            v{diff.from} → v{diff.to}
          </h2>
          <button className="btn btn-xs btn-ghost" onClick={onClose}>
            Close
          </button>
        </div>
        {diff.identical ? (
          <p className="text-sm">The two versions have the same content.</p>
        ) : (
          <div className="grid grid-cols-2 gap-4 text-sm">
            {diff.plan.length > 0 && (
              <div>
                <h3 className="font-semibold">Plan fields</h3>
                <ul>{diff.plan.map(change)}</ul>
              </div>
            )}
            {diff.added.length > 0 && (
              <div>
                <h3 className="font-semibold text-success">Added</h3>
                <ul className="font-mono text-xs">{diff.added.map((n) => <li key={n.nodeId}>+ {n.nodeId} ({n.type})</li>)}</ul>
              </div>
            )}
            {diff.removed.length > 0 && (
              <div>
                <h3 className="font-semibold text-error">Removed</h3>
                <ul className="font-mono text-xs">{diff.removed.map((n) => <li key={n.nodeId}>− {n.nodeId} ({n.type})</li>)}</ul>
              </div>
            )}
            {diff.moved.length > 0 && (
              <div>
                <h3 className="font-semibold">Moved</h3>
                <ul className="font-mono text-xs">{diff.moved.map((n) => <li key={n.nodeId}>{n.nodeId}</li>)}</ul>
              </div>
            )}
            {diff.changed.map((n) => (
              <div key={n.nodeId}>
                <h3 className="font-semibold font-mono">{n.nodeId}</h3>
                <ul>{n.changes.map(change)}</ul>
              </div>
            ))}
          </div>
        )}
      </div>
    </div>
  );
}

function SavePlan() {
  const [text, setText] = useState('');
  const [report, setReport] = useState<DryRunReport | null>(null);
  const [parsed, setParsed] = useState<unknown>(undefined);
  const action = useAction();
  const { error } = action;
  const store = useMemo(() => new NodeStatusStore(), []);
  const check = async (source: string) => {
    setReport(null);
    let plan: unknown;
    try {
      plan = JSON.parse(source);
    } catch (e) {
      action.setError(`This is not JSON: ${(e as Error).message}`);
      return;
    }
    setParsed(plan);
    await action.run('check', async () => {
      const result = await api.post<DryRunReport>('/api/plans/dry-run', { plan, source: 'GUI upload' });
      setReport(result);
      store.setIssues(issuesByNode(result));
    });
  };
  const save = () =>
    action.run('save', async () => {
      const answer = await api.post<{ plan: PlanDocument }>('/api/plans', { plan: parsed, source: 'GUI upload' });
      navigate(`/plans/${encodeURIComponent(answer.plan.id)}/v/${answer.plan.version}`);
    });
  const root = parsed && typeof parsed === 'object' ? ((parsed as PlanDocument).root as LayoutPlanNode | undefined) : undefined;
  return (
    <div className="p-6 flex flex-col gap-4 max-w-6xl mx-auto" data-testid="save-plan">
      <Link to="/plans" className="link link-hover text-sm opacity-70">
        ← All plans
      </Link>
      <PageHeader title="Save a plan file" subtitle="Paste the plan JSON or choose a file. It is dry-run first; saving makes a new version (the active one)." />
      <div className="flex gap-2 items-center">
        <input
          type="file"
          accept="application/json,.json"
          className="file-input file-input-sm"
          onChange={async (event) => {
            const file = event.target.files?.[0];
            if (!file) return;
            const content = await file.text();
            setText(content);
            void check(content);
          }}
        />
      </div>
      <textarea className="textarea font-mono text-xs w-full h-56" placeholder='{ "id": "my-plan", "name": "…", "root": { … } }' value={text} onChange={(e) => setText(e.target.value)} data-testid="plan-json" />
      <div className="flex gap-2">
        <button className="btn btn-sm" disabled={!text.trim() || !action.ready} onClick={() => void check(text)} data-testid="check-plan">
          Dry run
        </button>
        <button className="btn btn-sm btn-primary" disabled={!report?.ok || !action.ready} onClick={() => void save()} data-testid="save-plan-button">
          Save as a new version
        </button>
      </div>
      {error && <div className="alert alert-error text-sm">{error}</div>}
      {report && <DryRunResult report={report} />}
      {root && <PlanCanvas root={root} store={store} />}
    </div>
  );
}

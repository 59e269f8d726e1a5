import { useEffect, useMemo, useRef, useState } from 'react';
import { api, Link, navigate, useApi, useEvents, useRouteAvailable, type AttemptRecord, type NodeAction, type NodeRunState, type PlanDocument, type RunAction, type RunNodeDetail, type RunRecord, type RunTimeline as RunTimelineData } from '@orch/gui-sdk';
import { childrenOf, isComposite, type LayoutPlanNode } from './canvas/block-layout';
import { PlanCanvas } from './canvas/PlanCanvas';
import { NodeStatusStore } from './canvas/status-store';
import { RunTimeline, spansFrom } from './timeline';
import { useAction } from './use-action';
import { planOf, ErrorAlert, formatDuration, formatTime, JsonBlock, Loading, PageHeader, StatusBadge } from './ui';

const ACTIVE = ['running', 'waiting_approval', 'needs_attention', 'blocked'];

const RUN_EVENT_STATUS: Record<string, RunRecord['status']> = {
  'run.started': 'running',
  'run.resumed': 'running',
  'run.waiting': 'waiting_approval',
  'run.completed': 'completed',
  'run.failed': 'failed',
  'run.cancelled': 'cancelled',
  'run.blocked': 'blocked',
  'run.needs_attention': 'needs_attention',
};

export function findNode(root: LayoutPlanNode | undefined, id: string): LayoutPlanNode | undefined {
  if (!root) return undefined;
  if (root.id === id) return root;
  if (!isComposite(root)) return undefined;
  for (const { child } of childrenOf(root)) {
    const found = findNode(child, id);
    if (found) return found;
  }
  return undefined;
}

export function RunPage({ runId, rest }: { runId: string; rest: string[] }) {
  const run = useApi<{ run: RunRecord }>(`/api/runs/${encodeURIComponent(runId)}`);
  const fetched = run.data?.run;
  const plan = useApi<PlanDocument | { plan: PlanDocument }>(fetched ? `/api/plans/${encodeURIComponent(fetched.planId)}?version=${fetched.planVersion}` : null);
  const hasTimeline = useRouteAvailable('GET', '/api/runs/:runId/timeline');
  const timeline = useApi<RunTimelineData>(hasTimeline ? `/api/runs/${encodeURIComponent(runId)}/timeline` : null);
  const [tab, setTab] = useState<'canvas' | 'timeline' | 'nodes'>(rest[0] === 'timeline' ? 'timeline' : rest[0] === 'nodes' ? 'nodes' : 'canvas');
  const [selected, setSelected] = useState<string | null>(rest[0] === 'nodes' && rest[1] ? rest[1] : null);
  const store = useMemo(() => new NodeStatusStore(), [runId]);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    if (fetched) store.load(fetched.nodes ?? {}, fetched.updatedAt);
  }, [fetched, store]);
  useEffect(() => {
    if (timeline.data?.nodes) store.loadTimeline(timeline.data.nodes);
  }, [timeline.data, store]);
  useEffect(() => () => clearTimeout(reloadTimer.current), []);
  useEffect(() => {
    if (!fetched || !ACTIVE.includes(fetched.status)) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    // A safety net for an event that arrived before this page listened: read the record again now and then.
    const poll = setInterval(() => run.reload(), 5000);
    return () => {
      clearInterval(timer);
      clearInterval(poll);
    };
  }, [fetched?.status]);
  // The newest run-level event: shown at once, before the record (written a little later) catches up.
  const [live, setLive] = useState<{ status: RunRecord['status']; time: string } | null>(null);
  useEvents(['run', 'node', 'approval'], (event) => {
    if (event.runId !== runId) return;
    // `run.waiting` names what the run waits for (a run stopped for a person to fix a node waits too).
    const status = event.type === 'run.waiting' && typeof event.status === 'string' ? (event.status as RunRecord['status']) : RUN_EVENT_STATUS[event.type];
    if (status) setLive({ status, time: event.time });
    store.apply(event);
    // Throttled: during a busy run the record is read again every 250 ms, not only once it goes quiet.
    if (reloadTimer.current !== undefined) return;
    reloadTimer.current = setTimeout(() => {
      reloadTimer.current = undefined;
      run.reload();
      timeline.reload();
    }, 250);
  });

  if (run.error) {
    return (
      <div className="p-6 max-w-5xl mx-auto">
        <BackToRuns />
        <ErrorAlert error={run.error} what={`Run ${runId} could not be read`} />
      </div>
    );
  }
  if (!run.data) return <Loading what={`run ${runId}`} />;
  const record: RunRecord = live && live.time > run.data.run.updatedAt ? { ...run.data.run, status: live.status } : run.data.run;
  const document = planOf(plan.data);
  const root = document?.root as LayoutPlanNode | undefined;
  const nodes = record.nodes ?? {};
  const done = Object.values(nodes).filter((n) => n.status === 'succeeded').length;
  const end = record.finishedAt ? Date.parse(record.finishedAt) : ACTIVE.includes(record.status) ? now : Date.parse(record.updatedAt);
  const spans = spansFrom(timeline.error ? undefined : timeline.data, nodes);
  const facts = timeline.error ? undefined : timeline.data;
  const nodeActions = (id: string): NodeAction[] | undefined => facts?.nodes.find((n) => n.nodeId === id)?.actions;

  return (
    <div className="p-6 flex flex-col gap-4 min-h-full" data-testid="run-page" data-run-status={record.status}>
      <BackToRuns />
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            <span className="truncate">{record.planName ?? record.planId}</span>
            <StatusBadge status={record.status} />
          </span>
        }
        subtitle={
          <span>
            Run <span className="font-mono">{record.runId}</span> ·{' '}
            <Link className="link link-hover" to={`/plans/${encodeURIComponent(record.planId)}/v/${record.planVersion}`}>
              {record.planId} v{record.planVersion}
            </Link>{' '}
            · started {formatTime(record.createdAt)} by {record.operator} · {formatDuration(end - Date.parse(record.createdAt))} · {stepsDone(record, done)}
            {record.mode === 'memory' ? ' · in memory' : ''}
          </span>
        }
      >
        <RunActions record={record} actions={facts?.actions} selected={selected} selectedActions={selected ? nodeActions(selected) : undefined} />
      </PageHeader>
      {record.error && <div className="alert alert-error text-sm">{record.error}</div>}
      {record.warnings?.map((w) => (
        <div key={w} className="alert alert-warning text-sm">
          {w}
        </div>
      ))}
      <WaitingFor record={record} onSelect={setSelected} nodeActions={nodeActions} />
      <div role="tablist" className="tabs tabs-border">
        {(['canvas', 'timeline', 'nodes'] as const).map((t) => (
          <button key={t} role="tab" className={`tab ${tab === t ? 'tab-active' : ''}`} onClick={() => setTab(t)} data-testid={`tab-${t}`}>
            {t === 'canvas' ? 'Plan' : t === 'timeline' ? 'Timeline' : 'Steps'}
          </button>
        ))}
      </div>
      <div className="relative min-h-0 flex-1">
        <div className="min-w-0">
          {plan.error && <ErrorAlert error={plan.error} what="The plan of this run could not be read" />}
          {tab === 'canvas' && (root ? <PlanCanvas root={root} store={store} onSelect={setSelected} className="h-[62vh] min-h-96 w-full rounded-box border border-base-300 bg-base-100" /> : !plan.error && <Loading what="plan" />)}
          {tab === 'timeline' && (root ? <RunTimeline root={root} spans={spans} now={now} onSelect={setSelected} /> : <Loading what="plan" />)}
          {tab === 'nodes' && <StepTable nodes={nodes} root={root} facts={facts?.nodes} onSelect={setSelected} />}
        </div>
        {selected && <NodeDrawer runId={runId} nodeId={selected} state={nodes[selected]} planNode={findNode(root, selected)} onClose={() => setSelected(null)} />}
      </div>
    </div>
  );
}

function BackToRuns() {
  return (
    <Link to="/runs" className="link link-hover text-sm opacity-70">
      ← All runs
    </Link>
  );
}

function WaitingFor({ record, onSelect, nodeActions }: { record: RunRecord; onSelect: (id: string) => void; nodeActions: (id: string) => NodeAction[] | undefined }) {
  const approvals = record.waitingFor?.approvals ?? [];
  const attention = record.waitingFor?.attention ?? [];
  if (approvals.length === 0 && attention.length === 0) return null;
  return (
    <div className="flex flex-col gap-2">
      {approvals.map((a) => (
        <div key={a.approvalId} className="alert alert-warning py-2 text-sm">
          <span className="flex-1">
            Waits for a decision: <strong>{a.title}</strong> (step <button className="link font-mono" onClick={() => onSelect(a.nodeId)}>{a.nodeId}</button>)
          </span>
          <Link to={`/approvals/${encodeURIComponent(a.approvalId)}`} className="btn btn-sm">
            Decide
          </Link>
        </div>
      ))}
      {attention.map((a) => (
        <div key={a.nodeId} className="alert alert-error py-2 text-sm">
          <span className="flex-1 break-all">
            Step <button className="link font-mono" onClick={() => onSelect(a.nodeId)}>{a.nodeId}</button> needs a person: {a.error}
          </span>
          <NodeResume runId={record.runId} nodeId={a.nodeId} actions={nodeActions(a.nodeId)} />
        </div>
      ))}
    </div>
  );
}

/** Retry or skip a step the run handed to a person (the node's allowed actions when the server lists them). */
function NodeResume({ runId, nodeId, actions }: { runId: string; nodeId: string; actions?: NodeAction[] }) {
  const action = useAction();
  const resume = (body: Record<string, string>) => action.run(Object.keys(body)[0]!, async () => void (await api.post(`/api/runs/${encodeURIComponent(runId)}/resume`, body)));
  const allows = (a: NodeAction) => actions === undefined || actions.includes(a);
  return (
    <span className="flex gap-2 items-center">
      {action.error && <span className="text-xs">{action.error}</span>}
      {allows('retry') && (
        <button className="btn btn-sm" disabled={!action.ready} onClick={() => void resume({ retryNode: nodeId })} data-testid="retry-node">
          Retry step
        </button>
      )}
      {allows('skip') && (
        <button className="btn btn-sm btn-ghost" disabled={!action.ready} onClick={() => void resume({ skipNode: nodeId })} data-testid="skip-node">
          Skip step
        </button>
      )}
    </span>
  );
}

/** The actions the server allows (its `actions` list when it sends one, else what the status permits). */
function RunActions({ record, actions, selected, selectedActions }: { record: RunRecord; actions?: RunAction[]; selected: string | null; selectedActions?: NodeAction[] }) {
  const action = useAction();
  const allowed = new Set<string>(
    actions ??
      record.actions ??
      [
        ACTIVE.includes(record.status) ? 'cancel' : '',
        record.status === 'blocked' ? 'resume' : '',
        record.mode === 'json' ? 'replay' : '',
      ].filter(Boolean),
  );
  const post = (name: string, path: string, body: unknown = {}) =>
    action.run(name, async () => {
      const answer = await api.post<{ run: RunRecord }>(`/api/runs/${encodeURIComponent(record.runId)}/${path}`, body);
      if (name === 'replay' && answer.run.runId !== record.runId) navigate(`/runs/${encodeURIComponent(answer.run.runId)}`);
    });
  return (
    <div className="flex gap-2 items-center flex-wrap" data-testid="run-actions">
      {action.error && <span className="text-xs text-error max-w-72">{action.error}</span>}
      {allowed.has('resume') && (
        <button className="btn btn-sm btn-primary" disabled={!action.ready} onClick={() => void post('resume', 'resume')}>
          Resume
        </button>
      )}
      {allowed.has('replay') && (!selected || !selectedActions || selectedActions.includes('replay-from')) && (
        <button
          className="btn btn-sm"
          disabled={!action.ready}
          title={selected ? `Fork a new run that starts again from step ${selected}` : 'Fork a new run from the first kept checkpoint (select a step to replay from it)'}
          onClick={() => void post('replay', 'replay', selected ? { from: selected } : {})}
        >
          {selected ? `Replay from ${selected}` : 'Replay'}
        </button>
      )}
      {allowed.has('cancel') && (
        <button
          className="btn btn-sm btn-error btn-outline"
          disabled={!action.ready}
          onClick={() => {
            if (confirm(`Cancel run ${record.runId}? Running steps are aborted.`)) void post('cancel', 'cancel');
          }}
        >
          Cancel run
        </button>
      )}
    </div>
  );
}

function StepTable({ nodes, root, facts, onSelect }: { nodes: Record<string, NodeRunState>; root: LayoutPlanNode | undefined; facts?: RunTimelineData['nodes']; onSelect: (id: string) => void }) {
  const notTaken = (id: string): boolean => {
    const parent = facts?.find((f) => f.nodeId === facts.find((n) => n.nodeId === id)?.parentId);
    return parent?.type === 'conditional' && parent.branchNodeId !== undefined && parent.branchNodeId !== id && (nodes[id]?.status ?? 'pending') === 'pending';
  };
  const factOf = (id: string) => facts?.find((f) => f.nodeId === id);
  // An approval has no adapter attempts in the record; the timeline counts its wait for the person as one.
  const attemptsOf = (id: string, n: NodeRunState | undefined): number => n?.attempts || (n && n.status !== 'pending' ? (factOf(id)?.attempts.length ?? 0) : 0);
  const order: string[] = [];
  const walk = (n: LayoutPlanNode) => (isComposite(n) ? childrenOf(n).forEach(({ child }) => walk(child)) : order.push(n.id));
  if (root) walk(root);
  for (const id of Object.keys(nodes)) if (!order.includes(id)) order.push(id);
  return (
    <div className="overflow-x-auto bg-base-100 rounded-box border border-base-300">
      <table className="table table-sm" data-testid="step-table">
        <thead>
          <tr>
            <th>Step</th>
            <th>Status</th>
            <th className="text-right">Attempts</th>
            <th className="text-right">Duration</th>
            <th>Output / error</th>
          </tr>
        </thead>
        <tbody>
          {order.map((id) => {
            const n = nodes[id];
            const planNode = findNode(root, id);
            return (
              <tr key={id} className="cursor-pointer hover:bg-base-200" onClick={() => onSelect(id)}>
                <td className="max-w-64">
                  <div className="truncate font-semibold">{planNode?.title ?? id}</div>
                  <div className="text-xs opacity-60 font-mono truncate">
                    {id} · {planNode?.type ?? n?.type}
                  </div>
                </td>
                <td>{notTaken(id) ? <span className="badge badge-sm badge-ghost">branch not taken</span> : <StatusBadgeNode status={n?.status ?? 'pending'} />}</td>
                <td className="text-right tabular-nums">{attemptsOf(id, n)}</td>
                <td className="text-right tabular-nums">{formatDuration(n?.durationMs ?? factOf(id)?.attempts.at(-1)?.durationMs)}</td>
                <td className="max-w-96 truncate text-xs font-mono opacity-80" title={n?.error ?? n?.outputSummary}>
                  {n?.error ? <span className="text-error">{n.error}</span> : n?.outputSummary}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function StatusBadgeNode({ status }: { status: string }) {
  return <StatusBadge status={status} kind="node" />;
}

function AttemptList({ attempts, dropped }: { attempts: AttemptRecord[]; dropped?: number }) {
  if (attempts.length === 0) return <span className="text-xs opacity-60">Not run yet.</span>;
  return (
    <ol className="flex flex-col gap-1 text-xs" data-testid="attempts">
      {dropped ? <li className="opacity-60">{dropped} older attempts not kept</li> : null}
      {attempts.map((a, i) => (
        <li key={i} className="flex flex-col gap-0.5 border-l-2 border-base-300 pl-2">
          <span className="flex gap-2 items-center">
            <StatusBadge status={a.outcome} kind="node" />
            <span>attempt {a.attempt}</span>
            {a.iteration !== undefined && <span className="opacity-70">iteration {a.iteration}</span>}
            <span className="ml-auto tabular-nums opacity-70">{formatDuration(a.durationMs)}</span>
          </span>
          <span className="opacity-60">{formatTime(a.startedAt)}</span>
          {a.error && <span className="text-error break-all">{a.error}</span>}
        </li>
      ))}
    </ol>
  );
}

function NodeDrawer({ runId, nodeId, state, planNode, onClose }: { runId: string; nodeId: string; state: NodeRunState | undefined; planNode: LayoutPlanNode | undefined; onClose: () => void }) {
  const hasDetail = useRouteAvailable('GET', '/api/runs/:runId/nodes/:nodeId');
  const detail = useApi<RunNodeDetail>(hasDetail ? `/api/runs/${encodeURIComponent(runId)}/nodes/${encodeURIComponent(nodeId)}` : null, { refreshOn: ['node', 'run'], debounceMs: 400 });
  const { children: _c, branches: _b, body: _body, else: _e, ...definition } = planNode ?? ({} as LayoutPlanNode);
  const node = detail.error ? undefined : detail.data?.node;
  useEffect(() => {
    const close = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [onClose]);
  const status = node?.status ?? state?.status ?? 'pending';
  return (
    <aside className="absolute right-3 top-3 z-20 w-96 max-w-[45%] bg-base-100 rounded-box border border-base-300 shadow-xl p-4 flex flex-col gap-3 max-h-[calc(100%-1.5rem)] min-h-48 overflow-auto" data-testid="node-drawer">
      <div className="flex items-start gap-2">
        <div className="min-w-0 flex-1">
          <h2 className="font-semibold truncate">{planNode?.title ?? node?.title ?? nodeId}</h2>
          <p className="text-xs opacity-60 font-mono">
            {nodeId} · {planNode?.type ?? node?.type ?? state?.type}
          </p>
        </div>
        <button className="btn btn-sm btn-ghost btn-square" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      <div className="flex gap-2 flex-wrap text-xs">
        <StatusBadge status={status} kind="node" />
        {state?.attempts ? <span className="badge badge-sm badge-ghost">attempt {state.attempts}</span> : null}
        {(node?.iteration ?? state?.iteration) && <span className="badge badge-sm badge-ghost">iteration {node?.iteration ?? state?.iteration}</span>}
        {state?.durationMs !== undefined && <span className="badge badge-sm badge-ghost">{formatDuration(state.durationMs)}</span>}
        {(node?.decidedBy ?? state?.decidedBy) && <span className="badge badge-sm badge-ghost">by {node?.decidedBy ?? state?.decidedBy}</span>}
      </div>
      {(node?.actions.includes('retry') || node?.actions.includes('skip')) && <NodeResume runId={runId} nodeId={nodeId} actions={node.actions} />}
      {(node?.error ?? state?.error) && (
        <section>
          <h3 className="text-xs font-semibold opacity-70 mb-1">Error</h3>
          <pre className="text-xs whitespace-pre-wrap break-all text-error bg-base-200 rounded p-2">{node?.error ?? state?.error}</pre>
        </section>
      )}
      {node?.remedy && (
        <section>
          <h3 className="text-xs font-semibold opacity-70 mb-1">What to do</h3>
          <div className="rounded bg-info/10 border border-info/30 p-2 text-xs flex flex-col gap-1" data-testid="remedy">
            <span>{node.remedy.suggestion}</span>
            {node.remedy.commands.map((c) => (
              <code key={c} className="block font-mono break-all bg-base-200 rounded px-1.5 py-0.5">
                {c}
              </code>
            ))}
          </div>
        </section>
      )}
      <section>
        <h3 className="text-xs font-semibold opacity-70 mb-1">Output{node?.outputFrom === 'summary' ? ' (preview)' : ''}</h3>
        <JsonBlock value={node ? node.output : state?.outputSummary} />
      </section>
      <section>
        <h3 className="text-xs font-semibold opacity-70 mb-1">Attempts</h3>
        {node ? <AttemptList attempts={node.attempts} dropped={node.attemptsDropped} /> : <span className="text-xs opacity-60">{state?.attempts ?? 0} so far</span>}
      </section>
      <section>
        <h3 className="text-xs font-semibold opacity-70 mb-1">Parameters</h3>
        <JsonBlock value={node?.params ?? (planNode ? definition : undefined)} />
      </section>
    </aside>
  );
}

/**
 * "7/11 steps done" while a run goes; once it completed, the steps it never reached are branches its
 * conditions did not take (or loops with nothing to do), which "10/11" would make look like a gap.
 */
function stepsDone(record: RunRecord, done: number): string {
  if (!record.leafCount) return `${done} steps done`;
  if (record.status !== 'completed') return `${done}/${record.leafCount} steps done`;
  const skipped = Object.values(record.nodes ?? {}).filter((n) => n.status === 'skipped').length;
  const notRun = record.leafCount - done - skipped;
  return [`${done} steps done`, ...(skipped > 0 ? [`${skipped} skipped`] : []), ...(notRun > 0 ? [`${notRun} not run (conditions not met)`] : [])].join(', ');
}

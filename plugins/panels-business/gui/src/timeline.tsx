import { useMemo, useState } from 'react';
import type { NodeRunState, TimelineNode } from '@orch/gui-sdk';
import { childrenOf, defaultFolded, isComposite, type LayoutPlanNode } from './canvas/block-layout';
import { makeTimeScale } from './timeline-scale';
import { formatDuration, label, NODE_ICONS } from './ui';

/** One execution of a node: an attempt, or one loop iteration. */
export interface TimelineSpan {
  nodeId: string;
  status: string;
  start: number;
  end?: number;
  attempt?: number;
  iteration?: string;
  error?: string;
}

/**
 * Reads the spans out of whatever the server gives: `GET /api/runs/:id/timeline` entries
 * (`{ nodeId, startedAt, finishedAt, status, attempt, iteration }`) when the route exists, else one
 * span per node from the run record.
 */
export function spansFrom(timeline: unknown, nodes: Record<string, NodeRunState>): TimelineSpan[] {
  const planNodes = timeline && typeof timeline === 'object' ? (timeline as { nodes?: unknown }).nodes : undefined;
  if (Array.isArray(planNodes)) {
    return (planNodes as TimelineNode[]).flatMap((node) =>
      (node.attempts ?? []).flatMap((a) => {
        const start = Date.parse(a.startedAt);
        if (!Number.isFinite(start)) return [];
        const end = a.finishedAt ? Date.parse(a.finishedAt) : a.durationMs !== undefined ? start + a.durationMs : undefined;
        return [{ nodeId: node.nodeId, status: a.outcome, start, ...(end !== undefined ? { end } : {}), attempt: a.attempt, ...(a.iteration !== undefined ? { iteration: a.iteration } : {}), ...(a.error ? { error: a.error } : {}) }];
      }),
    );
  }
  const entries = timeline && typeof timeline === 'object' ? ((timeline as Record<string, unknown>).entries ?? (timeline as Record<string, unknown>).spans ?? (timeline as Record<string, unknown>).timeline) : undefined;
  if (Array.isArray(entries) && entries.length > 0) {
    return entries.flatMap((e: Record<string, unknown>) => {
      const start = Date.parse(String(e.startedAt ?? e.start ?? ''));
      if (!e.nodeId || !Number.isFinite(start)) return [];
      const endText = e.finishedAt ?? e.end;
      const end = endText ? Date.parse(String(endText)) : undefined;
      return [
        {
          nodeId: String(e.nodeId),
          status: String(e.status ?? 'succeeded'),
          start,
          ...(end !== undefined && Number.isFinite(end) ? { end } : {}),
          ...(e.attempt !== undefined ? { attempt: Number(e.attempt) } : {}),
          ...(e.iteration !== undefined && e.iteration !== null ? { iteration: String(e.iteration) } : {}),
          ...(e.error ? { error: String(e.error) } : {}),
        },
      ];
    });
  }
  return Object.entries(nodes).flatMap(([nodeId, state]) => {
    const start = state.startedAt ? Date.parse(state.startedAt) : NaN;
    if (!Number.isFinite(start)) return [];
    const end = state.finishedAt ? Date.parse(state.finishedAt) : state.durationMs !== undefined ? start + state.durationMs : undefined;
    return [{ nodeId, status: state.status, start, ...(end !== undefined ? { end } : {}), attempt: state.attempts, ...(state.iteration ? { iteration: state.iteration } : {}), ...(state.error ? { error: state.error } : {}) }];
  });
}

interface Row {
  key: string;
  node: LayoutPlanNode;
  depth: number;
  kind: 'composite' | 'leaf' | 'iteration';
  label?: string;
  spans: TimelineSpan[];
  lane?: string;
}

const BAR: Record<string, string> = {
  succeeded: 'bg-success',
  running: 'bg-info',
  failed: 'bg-error',
  retrying: 'bg-warning',
  waiting_approval: 'bg-warning',
  needs_attention: 'bg-error',
  skipped: 'bg-base-300',
  cancelled: 'bg-base-300',
  pending: 'bg-base-300',
};

/**
 * The run's timeline grouped by the plan's own structure: one row per plan node, indented under
 * its composite, parallel branches as lanes, loop iterations as rows of their own, composites
 * folding with a click; idle stretches compressed. Bars are plain divs placed with transforms.
 */
export function RunTimeline({ root, spans, now, onSelect }: { root: LayoutPlanNode; spans: TimelineSpan[]; now: number; onSelect?: (id: string) => void }) {
  // Large plans open with their deep composites folded, as on the canvas.
  const [folded, setFolded] = useState<Set<string>>(() => defaultFolded(root));
  const byNode = useMemo(() => {
    const map = new Map<string, TimelineSpan[]>();
    for (const span of spans) map.set(span.nodeId, [...(map.get(span.nodeId) ?? []), span]);
    return map;
  }, [spans]);
  const scale = useMemo(() => makeTimeScale(spans.map((s) => [s.start, s.end ?? now])), [spans, now]);
  const rows = useMemo(() => {
    const out: Row[] = [];
    const leafSpans = (node: LayoutPlanNode): TimelineSpan[] => (isComposite(node) ? childrenOf(node).flatMap(({ child }) => leafSpans(child)) : (byNode.get(node.id) ?? []));
    const walk = (node: LayoutPlanNode, depth: number, lane?: string) => {
      if (!isComposite(node)) {
        out.push({ key: node.id, node, depth, kind: 'leaf', spans: byNode.get(node.id) ?? [], ...(lane ? { lane } : {}) });
        return;
      }
      const all = leafSpans(node);
      const envelope = all.length ? [{ nodeId: node.id, status: summarise(all), start: Math.min(...all.map((s) => s.start)), end: Math.max(...all.map((s) => s.end ?? now)) }] : [];
      out.push({ key: node.id, node, depth, kind: 'composite', spans: envelope, ...(lane ? { lane } : {}) });
      if (folded.has(node.id)) return;
      const kids = childrenOf(node);
      if (node.type === 'loop') {
        const outer = (i: string | undefined) => i?.split('.')[0];
        const iterations = [...new Set(all.map((s) => outer(s.iteration)).filter((i): i is string => i !== undefined))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
        if (iterations.length > 1) {
          for (const iteration of iterations) {
            const its = all.filter((s) => outer(s.iteration) === iteration);
            out.push({ key: `${node.id}#${iteration}`, node, depth: depth + 1, kind: 'iteration', label: `iteration ${iteration}`, spans: its.length ? [{ nodeId: node.id, status: summarise(its), start: Math.min(...its.map((s) => s.start)), end: Math.max(...its.map((s) => s.end ?? now)) }] : [] });
          }
        }
      }
      kids.forEach(({ child, label: branch }, i) => walk(child, depth + 1, node.type === 'parallel' ? `lane ${i + 1}` : node.type === 'conditional' ? branch : undefined));
    };
    walk(root, 0);
    return out;
  }, [root, byNode, folded, now]);

  if (spans.length === 0) return <p className="text-sm opacity-70 p-4">Nothing has run yet.</p>;
  const toggle = (id: string) =>
    setFolded((f) => {
      const next = new Set(f);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <div className="bg-base-100 rounded-box border border-base-300 text-xs" data-testid="run-timeline">
      <div className="flex border-b border-base-300 px-2 py-1 opacity-70">
        <div className="w-72 shrink-0">Step</div>
        <div className="flex-1 relative">
          <span>{new Date(scale.start).toLocaleTimeString()}</span>
          <span className="absolute right-0">{formatDuration(scale.end - scale.start)}</span>
        </div>
      </div>
      {rows.map((row) => (
        <div key={row.key} className="flex items-center px-2 h-7 border-b border-base-200 hover:bg-base-200" data-row={row.key} data-kind={row.kind}>
          <div className="w-72 shrink-0 flex items-center gap-1 min-w-0" style={{ paddingLeft: row.depth * 14 }}>
            {row.kind === 'composite' ? (
              <button className="btn btn-xs btn-ghost px-1" onClick={() => toggle(row.node.id)} aria-label={folded.has(row.node.id) ? 'Unfold' : 'Fold'}>
                {folded.has(row.node.id) ? '▸' : '▾'}
              </button>
            ) : (
              <span className="w-5" />
            )}
            <span aria-hidden="true">{row.kind === 'iteration' ? '↻' : NODE_ICONS[row.node.type]}</span>
            <button className={`truncate text-left ${row.kind === 'leaf' ? 'link link-hover' : 'font-semibold'}`} onClick={() => row.kind === 'leaf' && onSelect?.(row.node.id)} title={row.node.title ?? row.node.id}>
              {row.label ?? row.node.title ?? row.node.id}
            </button>
            {row.lane && <span className="badge badge-xs badge-ghost shrink-0 max-w-24 truncate">{row.lane}</span>}
            {row.kind === 'leaf' && row.spans.length > 1 && <span className="badge badge-xs badge-warning shrink-0">{row.spans.length}×</span>}
          </div>
          <div className="flex-1 relative h-4 bg-base-200/40 rounded">
            {scale.breaks.map((b, i) => (
              <div key={i} className="absolute top-0 h-full border-x border-dashed border-base-content/30" style={{ left: `${b.at * 100}%`, width: `${b.width * 100}%` }} title={`idle ${formatDuration(b.idleMs)}`} />
            ))}
            {row.spans.map((span, i) => {
              const left = scale.x(span.start);
              const right = scale.x(span.end ?? now);
              return (
                <div
                  key={i}
                  className={`absolute top-0.5 h-3 rounded-sm ${BAR[span.status] ?? 'bg-neutral'} ${row.kind === 'composite' || row.kind === 'iteration' ? 'opacity-40' : ''}`}
                  style={{ left: `${left * 100}%`, width: `max(3px, ${(right - left) * 100}%)` }}
                  title={`${label(span.status)}${span.attempt ? ` · attempt ${span.attempt}` : ''}${span.iteration ? ` · iteration ${span.iteration}` : ''} · ${formatDuration((span.end ?? now) - span.start)}${span.error ? `\n${span.error}` : ''}`}
                  data-status={span.status}
                />
              );
            })}
          </div>
        </div>
      ))}
      {scale.breaks.length > 0 && <p className="px-2 py-1 opacity-60">Dashed stretches are idle time (waiting for a person or a timer), drawn compressed.</p>}
    </div>
  );
}

function summarise(spans: TimelineSpan[]): string {
  const statuses = new Set(spans.map((s) => s.status));
  for (const s of ['needs_attention', 'failed', 'running', 'waiting_approval', 'retrying']) if (statuses.has(s)) return s;
  return 'succeeded';
}

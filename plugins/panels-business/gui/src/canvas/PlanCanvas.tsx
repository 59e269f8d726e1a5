import { memo, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { Background, Controls, Handle, MiniMap, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import { useTheme } from '@orch/gui-sdk';
import { NODE_ICONS, formatDuration, label } from '../ui';
import { defaultFolded, descendantIds, layoutPlan, type LaidOutNode, type LayoutPlanNode } from './block-layout';
import { StatusContext, useNodeIssues, useNodeStatus, usePickedIteration, useStatusStore, useTimelineNode, type NodeStatusStore } from './status-store';

type CanvasData = {
  laid: LaidOutNode;
  toggle: (id: string) => void;
};
type CanvasNode = Node<CanvasData>;

const STATUS_CLASS: Record<string, string> = {
  pending: 'border-base-300',
  running: 'border-info bg-info/10',
  succeeded: 'border-success bg-success/10',
  failed: 'border-error bg-error/10',
  retrying: 'border-warning bg-warning/10',
  waiting_approval: 'border-warning bg-warning/15',
  needs_attention: 'border-error bg-error/15',
  skipped: 'border-base-300 opacity-60',
  cancelled: 'border-base-300 opacity-60',
};

const GROUP_STATUS: Record<string, string> = {
  running: 'border-info',
  succeeded: 'border-success',
  failed: 'border-error',
  needs_attention: 'border-error',
  waiting_approval: 'border-warning',
  retrying: 'border-warning',
};

function nodeTitle(node: LayoutPlanNode): string {
  return node.title || node.id;
}

const LeafNode = memo(function LeafNode({ id, data }: NodeProps<CanvasNode>) {
  const state = useNodeStatus(id, data.laid.loopId);
  const issues = useNodeIssues(id);
  const parent = useTimelineNode(data.laid.branchLabel ? (data.laid.parentId ?? '') : '');
  const node = data.laid.node;
  // A branch of a conditional that took another one never runs: say so rather than "pending".
  const notTaken = parent?.branchNodeId !== undefined && parent.branchNodeId !== id && (state?.status ?? 'pending') === 'pending';
  const status = notTaken ? 'skipped' : (state?.status ?? 'pending');
  const folded = data.laid.kind === 'folded';
  const risk = node.riskLevel as string | undefined;
  const approval = node.type === 'human_approval' || node.requiresApproval === true;
  return (
    <div
      className={`h-full w-full rounded-lg border-2 bg-base-100 px-2 py-1.5 text-xs flex flex-col gap-0.5 shadow-sm ${issues ? 'border-error' : STATUS_CLASS[status]}`}
      data-node={id}
      data-status={status}
      title={issues ? issues.join('\n') : state?.error ?? node.description as string | undefined}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} className="opacity-0" />
      {data.laid.branchLabel && <span className="truncate text-[10px] font-mono text-secondary -mb-0.5">{data.laid.branchLabel}</span>}
      <div className="flex items-center gap-1.5 min-w-0">
        <span className="shrink-0 w-4 text-center" aria-hidden="true">
          {NODE_ICONS[node.type] ?? '•'}
        </span>
        <span className="font-semibold truncate flex-1">{nodeTitle(node)}</span>
        {folded && (
          <button className="btn btn-xs btn-ghost px-1 nodrag" title="Unfold" onClick={(e: MouseEvent) => (e.stopPropagation(), data.toggle(id))}>
            ⊞
          </button>
        )}
      </div>
      <div className="flex items-center gap-1 min-w-0 text-[11px] opacity-80">
        <span className="truncate">{folded ? `${node.type} · ${data.laid.hiddenLeaves} steps folded` : node.type === 'local_task' ? `local_task · ${String(node.kind ?? '')}` : node.type}</span>
      </div>
      <div className="flex items-center gap-1 mt-auto min-w-0">
        {notTaken ? <span className="badge badge-xs badge-ghost">not taken</span> : state && status !== 'pending' && <span className="badge badge-xs">{label(status)}</span>}
        {state?.durationMs !== undefined && <span className="badge badge-xs badge-ghost tabular-nums" data-testid="duration">{formatDuration(state.durationMs)}</span>}
        {state && state.attempts > 1 && <span className="badge badge-xs badge-warning">×{state.attempts}</span>}
        {state?.iteration !== undefined && <span className="badge badge-xs badge-ghost">iter {state.iteration}</span>}
        {issues && <span className="badge badge-xs badge-error">{issues.length} issue{issues.length > 1 ? 's' : ''}</span>}
        <span className="ml-auto flex gap-1">
          {approval && <span className="badge badge-xs badge-warning" title="A person approves this step">approval</span>}
          {risk && risk !== 'low' && <span className={`badge badge-xs ${risk === 'critical' ? 'badge-error' : risk === 'high' ? 'badge-warning' : 'badge-info'}`}>{risk}</span>}
        </span>
      </div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="opacity-0" />
    </div>
  );
});

const BRANCH_LABEL = (branch: string | undefined, node: LayoutPlanNode): string | undefined => {
  if (!branch) return undefined;
  if (branch === 'else') return 'took else';
  if (branch === 'none') return 'took no branch';
  const index = Number(branch.split('.')[1]);
  const when = (node.branches ?? [])[index]?.when;
  return when ? `took when ${when}` : `took ${branch}`;
};

/** A loop's iteration picker: show the steps inside as they were in an earlier iteration. */
function IterationPicker({ loop }: { loop: LayoutPlanNode }) {
  const store = useStatusStore();
  const picked = usePickedIteration(loop.id);
  const timeline = useTimelineNode(loop.id);
  const members = useMemo(() => descendantIds(loop), [loop]);
  const options = useMemo(() => {
    const found = new Set<string>();
    for (const id of members) for (const a of store?.timelineOf(id)?.attempts ?? []) if (a.iteration !== undefined) found.add(a.iteration.split('.')[0]!);
    return [...found].sort((a, b) => Number(a) - Number(b));
    // timeline changes when new attempts arrive
  }, [members, store, timeline]);
  if (!store || options.length < 2) return timeline?.iterations ? <span className="badge badge-xs badge-ghost">{timeline.iterations}{timeline.count ? `/${timeline.count}` : ''} iterations</span> : null;
  return (
    <select
      className="select select-xs w-28 nodrag"
      value={picked ?? ''}
      title="Look at an earlier iteration"
      aria-label={`Iteration of ${loop.title ?? loop.id}`}
      onChange={(e) => store.pickIteration(loop.id, e.target.value === '' ? undefined : e.target.value, members)}
      onClick={(e) => e.stopPropagation()}
      data-testid="iteration-picker"
    >
      <option value="">latest ({options.length})</option>
      {options.map((o) => (
        <option key={o} value={o}>
          iteration {o}
        </option>
      ))}
    </select>
  );
}

const GroupNode = memo(function GroupNode({ id, data }: NodeProps<CanvasNode>) {
  const node = data.laid.node;
  const issues = useNodeIssues(id);
  const facts = useTimelineNode(id);
  const branch = node.type === 'conditional' ? BRANCH_LABEL(facts?.branch, node) : undefined;
  const extra = node.type === 'loop' ? (node.forEach ? `for each ${String(node.forEach)}` : node.while ? `while ${String(node.while)}` : '') : '';
  const roomy = data.laid.width >= 420;
  return (
    <div
      className={`h-full w-full rounded-xl border ${issues ? 'border-error' : facts && facts.status !== 'pending' ? GROUP_STATUS[facts.status] ?? 'border-base-300' : 'border-base-300'} border-dashed bg-base-200/50`}
      data-status={facts?.status}
      data-node={id}
      data-group={node.type}
      title={`${nodeTitle(node)} · ${node.type}${extra ? ` · ${extra}` : ''}${issues ? `\n${issues.join('\n')}` : ''}`}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} className="opacity-0" />
      <div className="flex items-center gap-1.5 px-2 h-8 text-xs min-w-0">
        <button className="btn btn-xs btn-ghost px-1 nodrag" title="Fold" onClick={(e: MouseEvent) => (e.stopPropagation(), data.toggle(id))}>
          ⊟
        </button>
        <span aria-hidden="true">{NODE_ICONS[node.type]}</span>
        <span className="font-semibold truncate">{nodeTitle(node)}</span>
        {roomy && <span className="opacity-60 shrink-0">{node.type}</span>}
        {roomy && extra && <span className="opacity-60 truncate font-mono">{extra}</span>}
        {branch && <span className="badge badge-xs badge-secondary truncate max-w-48" data-testid="branch-taken">{branch}</span>}
        {node.type === 'loop' && <IterationPicker loop={node} />}
        {data.laid.branchLabel && <span className="ml-auto truncate text-[10px] font-mono text-secondary">{data.laid.branchLabel}</span>}
      </div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="opacity-0" />
    </div>
  );
});

/** Defined once, outside components (React Flow re-mounts every node when nodeTypes changes). */
const nodeTypes = { leaf: LeafNode, block: GroupNode };

function toFlow(laidOut: LaidOutNode[], toggle: (id: string) => void): CanvasNode[] {
  return laidOut.map((laid) => ({
    id: laid.id,
    type: laid.kind === 'group' ? 'block' : 'leaf',
    position: { x: laid.x, y: laid.y },
    ...(laid.parentId ? { parentId: laid.parentId } : {}),
    data: { laid, toggle },
    width: laid.width,
    height: laid.height,
    draggable: false,
    connectable: false,
    zIndex: laid.depth,
    handles: [
      { type: 'target' as const, position: Position.Top, x: laid.width / 2 - 3, y: -3, width: 6, height: 6 },
      { type: 'source' as const, position: Position.Bottom, x: laid.width / 2 - 3, y: laid.height - 3, width: 6, height: 6 },
    ],
  }));
}

/**
 * Where a plan too big for the view opens (zoom 1, top): centred when it is only a little wider than
 * the view; otherwise on the plan's first steps — the chain of first children from the root — with
 * as many of the groups around them as fit, so their titles are on screen rather than off to the left.
 */
function openingX(nodes: LaidOutNode[], planWidth: number, viewWidth: number): number {
  if (planWidth <= viewWidth * 1.5) return Math.round((viewWidth - planWidth) / 2);
  const path: LaidOutNode[] = nodes.length ? [nodes[0]!] : [];
  for (let i = 1; i < nodes.length && nodes[i]!.parentId === path.at(-1)!.id; i++) path.push(nodes[i]!);
  const focus = path.at(-1);
  if (!focus) return 24;
  const room = viewWidth - focus.width - 48;
  const left = path.find((n) => n.absX >= focus.absX - room) ?? focus;
  return Math.round(24 - left.absX);
}

export interface PlanCanvasProps {
  root: LayoutPlanNode;
  store?: NodeStatusStore;
  onSelect?: (nodeId: string) => void;
  className?: string;
}

/** The plan's topology: block layout, foldable composites, live status from `store`, culling, MiniMap. */
const MINIMAP_COLOURS: Record<string, string> = { leaf: '#94a3b8', block: 'transparent' };

export function PlanCanvas({ root, store, onSelect, className }: PlanCanvasProps) {
  const theme = useTheme();
  const [folded, setFolded] = useState<Set<string>>(() => defaultFolded(root));
  const [prevRoot, setPrevRoot] = useState(root);
  if (prevRoot !== root) {
    setPrevRoot(root);
    setFolded(defaultFolded(root));
  }
  const toggle = useMemo(
    () => (id: string) =>
      setFolded((current) => {
        const next = new Set(current);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      }),
    [],
  );
  const layout = useMemo(() => layoutPlan(root, folded), [root, folded]);
  const nodes = useMemo(() => toFlow(layout.nodes, toggle), [layout, toggle]);
  const edges = useMemo<Edge[]>(() => layout.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, type: 'straight' })), [layout]);
  const wrapper = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState<{ width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    if (wrapper.current) setBox({ width: wrapper.current.clientWidth, height: wrapper.current.clientHeight });
  }, []);
  // A plan that fits opens whole; a bigger one opens at zoom 1 on its top, centred (never a speck).
  const fits = box !== null && layout.width + 48 <= box.width && layout.height + 32 <= box.height;
  const small = box !== null && layout.width * 0.6 <= box.width && layout.height * 0.6 <= box.height;
  const viewport = { x: box ? openingX(layout.nodes, layout.width, box.width) : 24, y: 16, zoom: 1 };
  return (
    <StatusContext.Provider value={store ?? null}>
      <div ref={wrapper} className={className ?? 'h-[560px] w-full rounded-box border border-base-300 bg-base-100'} data-testid="plan-canvas" data-nodes={layout.nodes.length}>
        {box && <ReactFlow<CanvasNode>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onlyRenderVisibleElements
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable
          minZoom={0.05}
          maxZoom={2}
          {...(small && !fits ? { fitView: true, fitViewOptions: { maxZoom: 1, padding: 0.08 } } : { defaultViewport: viewport })}
          onNodeClick={(_, node) => onSelect?.(node.id)}
          proOptions={{ hideAttribution: true }}
          colorMode={theme}
        >
          <Background gap={24} size={1} />
          <Controls showInteractive={false} />
          <MiniMap pannable zoomable style={{ width: 168, height: 112 }} nodeColor={(n) => MINIMAP_COLOURS[n.type ?? 'leaf'] ?? '#94a3b8'} nodeStrokeColor={(n) => (n.type === 'block' ? '#94a3b8' : 'transparent')} nodeStrokeWidth={3} />
        </ReactFlow>}
      </div>
    </StatusContext.Provider>
  );
}

import { redactSecrets } from '../../../kernel/index.js';
import { FINISHED_RUN_STATUSES, type NodeRunState, type NodeStatus, type RunRecord, type RunTimeline, type TimelineNode } from '../api/index.js';
import { adapterParamsOf, childrenOf, isCompositeNode, type LeafNode, type Plan, type PlanNode } from '../../plans/api/index.js';
import { own } from '../graph/own.js';
import { nodeActions, runActions, type ActionContext } from './run-actions.js';

/** Where a plan node sits in the tree: its parent and depth (root 0). */
export interface PlanPosition {
  node: PlanNode;
  parentId?: string;
  depth: number;
}

/** Every plan node in plan order (depth first, parents before children) with its parent. */
export function planPositions(plan: Plan): PlanPosition[] {
  const out: PlanPosition[] = [];
  const visit = (node: PlanNode, parentId: string | undefined, depth: number): void => {
    out.push({ node, ...(parentId !== undefined ? { parentId } : {}), depth });
    for (const child of childrenOf(node)) visit(child, node.id, depth + 1);
  };
  visit(plan.root, undefined, 0);
  return out;
}

/**
 * `GET /api/runs/:runId/timeline`: every plan node in plan order, each leaf with every attempt the
 * record keeps (every try, every loop iteration), each conditional with the branch it took and
 * each loop with where it is. Composite statuses are derived from the leaves under them (only the
 * branch a conditional took counts).
 */
export function buildTimeline(plan: Plan, record: RunRecord, context: ActionContext): RunTimeline {
  const nodes: TimelineNode[] = [];
  for (const { node, parentId, depth } of planPositions(plan)) {
    const base = {
      nodeId: node.id,
      type: node.type,
      ...(parentId !== undefined ? { parentId } : {}),
      depth,
      ...(typeof node.title === 'string' ? { title: node.title } : {}),
      actions: nodeActions(record, node.id, context),
    };
    if (!isCompositeNode(node)) {
      const state = own(record.nodes, node.id);
      nodes.push({ ...base, status: state?.status ?? 'pending', ...leafHistory(state) });
      continue;
    }
    const composite = own(record.composites ?? {}, node.id);
    nodes.push({
      ...base,
      status: compositeStatus(node, record),
      attempts: [],
      ...(composite?.branch !== undefined ? { branch: composite.branch } : {}),
      ...(composite?.branchNodeId !== undefined ? { branchNodeId: composite.branchNodeId } : {}),
      ...(composite?.type === 'loop' && composite.index !== undefined ? { iteration: String(composite.index) } : {}),
      ...(composite?.iterations !== undefined ? { iterations: composite.iterations } : {}),
      ...(composite?.count !== undefined ? { count: composite.count } : {}),
    });
  }
  return {
    runId: record.runId,
    planId: record.planId,
    planVersion: record.planVersion,
    status: record.status,
    startedAt: record.createdAt,
    ...(record.finishedAt !== undefined ? { finishedAt: record.finishedAt } : {}),
    actions: runActions(record, context),
    nodes,
  };
}

/** A leaf's attempts and loop positions, as the timeline and the node detail give them. */
export function leafHistory(state: NodeRunState | undefined): Pick<TimelineNode, 'attempts' | 'attemptsDropped' | 'iteration' | 'iterations'> {
  const attempts = state?.attemptLog ?? [];
  const iterations = new Set(attempts.map((a) => a.iteration).filter((i): i is string => i !== undefined));
  return {
    attempts,
    ...(state?.attemptsDropped ? { attemptsDropped: state.attemptsDropped } : {}),
    ...(state?.iteration !== undefined ? { iteration: state.iteration } : {}),
    ...(iterations.size > 0 ? { iterations: iterations.size } : {}),
  };
}

const ACTIVE: NodeStatus[] = ['running', 'retrying'];
const DONE: NodeStatus[] = ['succeeded', 'skipped'];

/**
 * A composite's status from the leaves under it: active, waiting or failed if one of them is;
 * `pending` until one was reached; `succeeded` once every leaf on its taken paths is done (and a
 * loop has ended); `cancelled` when the run ended before that; else `running`.
 */
export function compositeStatus(node: PlanNode, record: RunRecord): NodeStatus {
  const leaves = takenLeaves(node, record);
  const statuses = leaves.map((leaf) => own(record.nodes, leaf.id)?.status ?? 'pending');
  const any = (...wanted: NodeStatus[]) => statuses.some((s) => wanted.includes(s));
  if (any(...ACTIVE)) return 'running';
  if (any('needs_attention')) return 'needs_attention';
  if (any('waiting_approval')) return 'waiting_approval';
  if (any('failed')) return 'failed';
  const composite = own(record.composites ?? {}, node.id);
  const entered = composite !== undefined;
  if (!entered && statuses.every((s) => s === 'pending')) return 'pending';
  const loopOpen = node.type === 'loop' && composite?.done === false;
  if (!loopOpen && statuses.every((s) => DONE.includes(s))) return 'succeeded';
  if (any('cancelled') || (FINISHED_RUN_STATUSES as readonly string[]).includes(record.status)) return 'cancelled';
  return 'running';
}

/** The leaves under `node` on the paths the run took: a conditional counts only its chosen branch. */
function takenLeaves(node: PlanNode, record: RunRecord): LeafNode[] {
  if (!isCompositeNode(node)) return [node];
  let children = childrenOf(node);
  if (node.type === 'conditional') {
    const taken = own(record.composites ?? {}, node.id);
    const chosen = taken?.branchNodeId;
    children = chosen === undefined ? (taken ? [] : children) : children.filter((c) => c.id === chosen);
  }
  return children.flatMap((child) => takenLeaves(child, record));
}

/**
 * What the plan says about a node, for the node detail: a leaf's parameters (as written, before
 * templates are rendered), a composite's own fields with its children named by id. Secrets redacted.
 */
export function planParamsOf(node: PlanNode): unknown {
  if (!isCompositeNode(node)) return redactSecrets(adapterParamsOf(node));
  switch (node.type) {
    case 'conditional': {
      const { branches, else: otherwise, id: _id, type: _type, ...rest } = node;
      return redactSecrets({ ...rest, branches: branches.map((b) => ({ when: b.when, then: b.then.id })), ...(otherwise ? { else: otherwise.id } : {}) });
    }
    case 'loop': {
      const { body, id: _id, type: _type, ...rest } = node;
      return redactSecrets({ ...rest, body: body.id });
    }
    default: {
      const { children, id: _id, type: _type, ...rest } = node;
      return redactSecrets({ ...rest, children: children.map((c) => c.id) });
    }
  }
}

import { childrenOf, walkPlan, type Plan, type PlanNode } from './api/index.js';

export interface FieldChange {
  /** `name`, `inputs.repo`, `params.url`, `branches.0.when`, `children (order)` … */
  field: string;
  before?: unknown;
  after?: unknown;
}

export interface NodeRef {
  nodeId: string;
  type: string;
  /** The enclosing node, absent for the root. */
  parentId?: string;
}

/** What changed between two versions of a plan, by node id (a moved node is not "removed and added"). */
export interface PlanDiff {
  planId: string;
  from: number;
  to: number;
  identical: boolean;
  /** Plan-level fields: name, goal, description, inputs. */
  plan: FieldChange[];
  added: NodeRef[];
  removed: NodeRef[];
  moved: (NodeRef & { fromParentId?: string })[];
  changed: { nodeId: string; type: string; changes: FieldChange[] }[];
}

const NESTED_NODE_FIELDS = new Set(['children', 'body', 'else', 'branches']);
const PROVENANCE = new Set(['version', 'createdAt', 'createdBy', '$schema', 'root']);

export function diffPlans(a: Plan, b: Plan): PlanDiff {
  const plan = diffValues(strip(a, PROVENANCE), strip(b, PROVENANCE), '');
  const before = indexNodes(a.root);
  const after = indexNodes(b.root);
  const added: NodeRef[] = [];
  const removed: NodeRef[] = [];
  const moved: PlanDiff['moved'] = [];
  const changed: PlanDiff['changed'] = [];
  for (const [id, old] of before) if (!after.has(id)) removed.push(refOf(old));
  for (const [id, now] of after) {
    const old = before.get(id);
    if (!old) {
      added.push(refOf(now));
      continue;
    }
    if (old.parentId !== now.parentId) moved.push({ ...refOf(now), fromParentId: old.parentId });
    const changes = diffValues(ownFields(old.node), ownFields(now.node), '');
    const oldOrder = childrenOf(old.node).map((c) => c.id);
    const newOrder = childrenOf(now.node).map((c) => c.id);
    const kept = newOrder.filter((c) => oldOrder.includes(c));
    if (kept.join('\u0000') !== oldOrder.filter((c) => newOrder.includes(c)).join('\u0000')) {
      changes.push({ field: 'children (order)', before: oldOrder, after: newOrder });
    }
    if (changes.length > 0) changed.push({ nodeId: id, type: now.node.type, changes });
  }
  return {
    planId: b.id,
    from: a.version,
    to: b.version,
    identical: plan.length + added.length + removed.length + moved.length + changed.length === 0,
    plan,
    added,
    removed,
    moved,
    changed,
  };
}

interface IndexedNode {
  node: PlanNode;
  parentId?: string;
}

function indexNodes(root: PlanNode): Map<string, IndexedNode> {
  const out = new Map<string, IndexedNode>();
  for (const node of walkPlan(root)) {
    if (!out.has(node.id)) out.set(node.id, { node });
    for (const child of childrenOf(node)) if (!out.has(child.id)) out.set(child.id, { node: child, parentId: node.id });
  }
  return out;
}

function refOf(indexed: IndexedNode): NodeRef {
  const type = indexed.node.type === 'local_task' ? `local_task:${indexed.node.kind}` : indexed.node.type;
  return { nodeId: indexed.node.id, type, ...(indexed.parentId ? { parentId: indexed.parentId } : {}) };
}

/** A node without its nested nodes (they are compared as nodes of their own); conditions stay. */
function ownFields(node: PlanNode): Record<string, unknown> {
  const own = strip(node as unknown as Record<string, unknown>, NESTED_NODE_FIELDS);
  if (node.type === 'conditional') own.branches = node.branches.map((b) => ({ when: b.when }));
  return own;
}

function strip(value: object, keys: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.has(k)));
}

/** Leaf-level differences between two JSON values, with dotted paths. */
export function diffValues(a: unknown, b: unknown, path: string): FieldChange[] {
  if (Object.is(a, b)) return [];
  const bothObjects = isPlainObject(a) && isPlainObject(b);
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => diffValues(a[k], b[k], join(path, k)));
  }
  if (bothArrays && a.length === b.length) return a.flatMap((item, i) => diffValues(item, b[i], join(path, String(i))));
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  return [{ field: path || '(value)', ...(a !== undefined ? { before: a } : {}), ...(b !== undefined ? { after: b } : {}) }];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

import { formatPath } from '../../../kernel/index.js';
import type { z } from 'zod';
import { PLAN_LIMITS, ShallowPlanNodeSchema, type PlanIssue, type PlanNode } from '../api/index.js';

type Path = (string | number)[];

/**
 * One node of a plan as written, before the plan as a whole is known to be valid: its place in
 * the document, its own schema problems, and — when the node itself is well-formed — the parsed
 * node (nested nodes are checked as nodes of their own).
 */
export interface TreeNode {
  raw: unknown;
  path: Path;
  pathText: string;
  parent?: TreeNode;
  /** Index among the parent's child nodes (order of a sequence, branch of a conditional). */
  slot: number;
  /** 1 for the root. */
  depth: number;
  /** The id as written, when it is a string. */
  id?: string;
  /** The type as written, when it is a string. */
  type?: string;
  /** The node with defaults applied, when its own fields are valid. */
  node?: PlanNode;
  children: TreeNode[];
  issues: PlanIssue[];
}

export interface PlanTree {
  root: TreeNode;
  /** Every node, depth first, parents before children. */
  nodes: TreeNode[];
  /** Problems of the tree as a whole (too many nodes). */
  issues: PlanIssue[];
}

/**
 * Builds the tree from `raw` (the document's `root`), checking each node's own fields with
 * `nodeSchema` (one node at a time; by default any well-formed leaf type passes).
 */
export function buildPlanTree(raw: unknown, nodeSchema: z.ZodType = ShallowPlanNodeSchema): PlanTree {
  const nodes: TreeNode[] = [];
  const issues: PlanIssue[] = [];
  let truncated = false;

  const visit = (value: unknown, path: Path, parent: TreeNode | undefined, slot: number): TreeNode => {
    const record = isRecord(value) ? value : undefined;
    const tree: TreeNode = {
      raw: value,
      path,
      pathText: formatPath(path),
      parent,
      slot,
      depth: (parent?.depth ?? 0) + 1,
      id: typeof record?.id === 'string' ? record.id : undefined,
      type: typeof record?.type === 'string' ? record.type : undefined,
      children: [],
      issues: [],
    };
    nodes.push(tree);
    const parsed = nodeSchema.safeParse(value);
    if (parsed.success) tree.node = parsed.data as unknown as PlanNode;
    else {
      for (const issue of parsed.error.issues) {
        const field = formatPath(issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)));
        tree.issues.push({
          path: formatPath([...path, ...issue.path.map(String)]),
          ...(tree.id ? { nodeId: tree.id } : {}),
          field: field || undefined,
          message: issue.message,
          severity: 'error',
        });
      }
    }
    const slots = childSlots(record);
    if (slots.length > 0 && tree.depth >= PLAN_LIMITS.maxDepth) {
      tree.issues.push({
        path: tree.pathText,
        ...(tree.id ? { nodeId: tree.id } : {}),
        message: `nodes are nested more than ${PLAN_LIMITS.maxDepth} levels deep here; flatten the plan`,
        severity: 'error',
      });
      return tree;
    }
    slots.forEach((child, index) => {
      if (nodes.length >= PLAN_LIMITS.maxNodes) {
        truncated = true;
        return;
      }
      tree.children.push(visit(child.value, [...path, ...child.path], tree, index));
    });
    return tree;
  };

  const root = visit(raw, ['root'], undefined, 0);
  if (truncated) {
    issues.push({ path: 'root', message: `the plan has more than ${PLAN_LIMITS.maxNodes} nodes; split it into smaller plans`, severity: 'error' });
  }
  return { root, nodes, issues };
}

/** Where nested nodes sit in a node as written, by its declared type (missing fields are the schema's concern). */
function childSlots(record: Record<string, unknown> | undefined): { value: unknown; path: Path }[] {
  if (!record) return [];
  switch (record.type) {
    case 'sequence':
    case 'parallel':
      return Array.isArray(record.children) ? record.children.map((value, i) => ({ value, path: ['children', i] })) : [];
    case 'conditional': {
      const branches = Array.isArray(record.branches) ? record.branches : [];
      const slots = branches.flatMap((branch, i) =>
        isRecord(branch) && branch.then !== undefined ? [{ value: branch.then, path: ['branches', i, 'then'] as Path }] : [],
      );
      return record.else !== undefined ? [...slots, { value: record.else, path: ['else'] }] : slots;
    }
    case 'loop':
      return record.body !== undefined ? [{ value: record.body, path: ['body'] }] : [];
    default:
      return [];
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The nodes enclosing `node`, nearest first. */
export function ancestorsOf(node: TreeNode): TreeNode[] {
  const out: TreeNode[] = [];
  for (let current = node.parent; current; current = current.parent) out.push(current);
  return out;
}

/** A short name for messages: `"fetch"` or `root.children.2` when the node has no usable id. */
export function labelOf(node: TreeNode): string {
  return node.id ? `"${node.id}"` : node.pathText;
}

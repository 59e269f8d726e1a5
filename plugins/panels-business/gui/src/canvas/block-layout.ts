/**
 * Recursive block layout of a plan tree, O(n): sequence and loop stack their children vertically,
 * parallel and conditional put them side by side. Composites become group boxes that hold their
 * children (positions relative to the parent, parents before children — React Flow's subflow
 * rule); a folded composite is a single box and its descendants are left out. Every node gets its
 * size and handle positions up front, so React Flow can cull from the first frame.
 *
 * Pure and DOM-free: unit-tested in block-layout.spec.ts and timed by bench/gui.ts.
 */

export interface LayoutPlanNode {
  id: string;
  type: string;
  title?: string;
  children?: LayoutPlanNode[];
  branches?: Array<{ when: string; then: LayoutPlanNode }>;
  else?: LayoutPlanNode;
  body?: LayoutPlanNode;
  [key: string]: unknown;
}

export const COMPOSITE_TYPES = new Set(['sequence', 'parallel', 'conditional', 'loop']);
export const LEAF_W = 232;
export const LEAF_H = 68;
export const HEADER_H = 34;
export const PAD = 14;
export const GAP = 22;
export const FOLDED_H = 52;

export interface LaidOutNode {
  id: string;
  kind: 'leaf' | 'group' | 'folded';
  node: LayoutPlanNode;
  parentId?: string;
  depth: number;
  /** Relative to the parent (absolute for the root). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** Absolute position, for culling and viewport maths. */
  absX: number;
  absY: number;
  /** Leaf descendants of a folded composite. */
  hiddenLeaves?: number;
  /** For a child of a conditional: the `when` that leads to it (or `else`). */
  branchLabel?: string;
  /** The nearest loop around it, if any. */
  loopId?: string;
}

export interface LaidOutEdge {
  id: string;
  source: string;
  target: string;
  label?: string;
}

export interface BlockLayout {
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
  width: number;
  height: number;
  /** Leaf nodes of the whole plan, folded or not. */
  leafCount: number;
}

/** The children of a composite, in display order, with a label for conditional branches. */
export function childrenOf(node: LayoutPlanNode): Array<{ child: LayoutPlanNode; label?: string }> {
  switch (node.type) {
    case 'sequence':
    case 'parallel':
      return (node.children ?? []).map((child) => ({ child }));
    case 'conditional': {
      const out = (node.branches ?? []).map((b) => ({ child: b.then, label: `when ${b.when}` }));
      if (node.else) out.push({ child: node.else, label: 'else' });
      return out;
    }
    case 'loop':
      return node.body ? [{ child: node.body }] : [];
    default:
      return [];
  }
}

export function isComposite(node: LayoutPlanNode): boolean {
  return COMPOSITE_TYPES.has(node.type);
}

export function countLeaves(node: LayoutPlanNode): number {
  if (!isComposite(node)) return 1;
  let n = 0;
  for (const { child } of childrenOf(node)) n += countLeaves(child);
  return n;
}

/**
 * Composites to fold when a plan opens: none for small plans; for large ones, every composite from
 * the shallowest depth at which the boxes shown would pass `maxBoxes` (so a 1000-node plan opens
 * with its outline readable and the deep parts folded, not as 16 boxes nor as 1000).
 */
export function defaultFolded(root: LayoutPlanNode, options: { maxOpenLeaves?: number; maxBoxes?: number } = {}): Set<string> {
  const folded = new Set<string>();
  if (countLeaves(root) <= (options.maxOpenLeaves ?? 150)) return folded;
  const perDepth: number[] = [];
  const count = (node: LayoutPlanNode, depth: number) => {
    perDepth[depth] = (perDepth[depth] ?? 0) + 1;
    for (const { child } of childrenOf(node)) count(child, depth + 1);
  };
  count(root, 1);
  // Folding the composites at depth L shows every node of depth <= L.
  let limit = 2;
  let shown = (perDepth[1] ?? 0) + (perDepth[2] ?? 0);
  while (limit + 1 < perDepth.length && shown + (perDepth[limit + 1] ?? 0) <= (options.maxBoxes ?? 300)) {
    limit++;
    shown += perDepth[limit] ?? 0;
  }
  const walk = (node: LayoutPlanNode, depth: number) => {
    if (!isComposite(node)) return;
    if (depth >= limit) {
      folded.add(node.id);
      return;
    }
    for (const { child } of childrenOf(node)) walk(child, depth + 1);
  };
  walk(root, 1);
  return folded;
}

interface Size {
  width: number;
  height: number;
}

export function layoutPlan(root: LayoutPlanNode, folded: ReadonlySet<string> = new Set()): BlockLayout {
  const sizes = new Map<string, Size>();
  const leaves = new Map<string, number>();

  const measure = (node: LayoutPlanNode): Size => {
    let size: Size;
    if (!isComposite(node)) {
      size = { width: LEAF_W, height: LEAF_H };
      leaves.set(node.id, 1);
    } else {
      const kids = childrenOf(node);
      const kidSizes = kids.map(({ child }) => measure(child));
      leaves.set(node.id, kids.reduce((n, { child }) => n + (leaves.get(child.id) ?? 0), 0));
      if (folded.has(node.id) || kids.length === 0) {
        size = { width: LEAF_W, height: FOLDED_H };
      } else if (node.type === 'parallel' || node.type === 'conditional') {
        const width = kidSizes.reduce((w, s) => w + s.width, 0) + GAP * (kids.length - 1) + PAD * 2;
        const height = HEADER_H + Math.max(...kidSizes.map((s) => s.height)) + PAD * 2 + (node.type === 'conditional' ? 18 : 0);
        size = { width: Math.max(width, LEAF_W + PAD * 2), height };
      } else {
        const width = Math.max(...kidSizes.map((s) => s.width)) + PAD * 2;
        const height = HEADER_H + kidSizes.reduce((h, s) => h + s.height, 0) + GAP * (kids.length - 1) + PAD * 2;
        size = { width: Math.max(width, LEAF_W + PAD * 2), height };
      }
    }
    sizes.set(node.id, size);
    return size;
  };
  const total = measure(root);

  const nodes: LaidOutNode[] = [];
  const edges: LaidOutEdge[] = [];
  const place = (node: LayoutPlanNode, x: number, y: number, absX: number, absY: number, depth: number, parentId?: string, branchLabel?: string, loopId?: string) => {
    const size = sizes.get(node.id)!;
    const composite = isComposite(node);
    const isFolded = composite && (folded.has(node.id) || childrenOf(node).length === 0);
    nodes.push({
      id: node.id,
      kind: !composite ? 'leaf' : isFolded ? 'folded' : 'group',
      node,
      ...(parentId ? { parentId } : {}),
      depth,
      x,
      y,
      width: size.width,
      height: size.height,
      absX,
      absY,
      ...(isFolded ? { hiddenLeaves: leaves.get(node.id) ?? 0 } : {}),
      ...(branchLabel ? { branchLabel } : {}),
      ...(loopId ? { loopId } : {}),
    });
    const innerLoop = node.type === 'loop' ? node.id : loopId;
    if (!composite || isFolded) return;
    const kids = childrenOf(node);
    const side = node.type === 'parallel' || node.type === 'conditional';
    const top = HEADER_H + PAD + (node.type === 'conditional' ? 18 : 0);
    if (side) {
      let cx = PAD;
      for (const { child, label } of kids) {
        const s = sizes.get(child.id)!;
        place(child, cx, top, absX + cx, absY + top, depth + 1, node.id, label, innerLoop);
        cx += s.width + GAP;
      }
    } else {
      let cy = HEADER_H + PAD;
      let previous: string | undefined;
      for (const { child } of kids) {
        const s = sizes.get(child.id)!;
        const cx = (size.width - s.width) / 2;
        place(child, cx, cy, absX + cx, absY + cy, depth + 1, node.id, undefined, innerLoop);
        if (previous) edges.push({ id: `${previous}->${child.id}`, source: previous, target: child.id });
        previous = child.id;
        cy += s.height + GAP;
      }
    }
  };
  place(root, 0, 0, 0, 0, 1);
  return { nodes, edges, width: total.width, height: total.height, leafCount: leaves.get(root.id) ?? 0 };
}

/** Ids of every node inside `node` (not itself). */
export function descendantIds(node: LayoutPlanNode, out: string[] = []): string[] {
  for (const { child } of childrenOf(node)) {
    out.push(child.id);
    descendantIds(child, out);
  }
  return out;
}

/** Generated plans for the benchmark and tests: nested sequences/parallels/loops with `leaves` leaves. */
export function generatePlanTree(leaves: number, seed = 1): LayoutPlanNode {
  let next = 0;
  let random = seed;
  const rand = () => {
    random = (random * 1103515245 + 12345) % 2147483648;
    return random / 2147483648;
  };
  const leafTypes = ['local_task', 'agent_invocation', 'mcp_tool', 'external_service', 'human_approval'];
  const build = (budget: number, depth: number): LayoutPlanNode => {
    const leaf = (): LayoutPlanNode => {
      const id = `n${next++}`;
      return { id, type: leafTypes[Math.floor(rand() * leafTypes.length)]!, title: `Step ${id}` };
    };
    if (budget <= 1) return leaf();
    if (depth > 5) return { id: `seq${next++}`, type: 'sequence', title: 'Steps', children: Array.from({ length: budget }, leaf) };
    const types = ['sequence', 'parallel', 'loop', 'conditional'];
    const type = depth === 1 ? 'sequence' : types[Math.floor(rand() * types.length)]!;
    const id = `${type.slice(0, 3)}${next++}`;
    if (type === 'loop') return { id, type, title: `Repeat ${id}`, body: build(budget, depth + 1) };
    const parts = Math.max(2, Math.min(budget, 2 + Math.floor(rand() * 4)));
    const share = Math.floor(budget / parts);
    const kids: LayoutPlanNode[] = [];
    for (let i = 0; i < parts; i++) kids.push(build(i === parts - 1 ? budget - share * (parts - 1) : share, depth + 1));
    if (type === 'conditional') {
      const [last, ...rest] = kids.reverse();
      return { id, type, title: `Choose ${id}`, branches: rest.reverse().map((then, i) => ({ when: `input.case = ${i}`, then })), else: last };
    }
    return { id, type, title: `${type === 'parallel' ? 'At once' : 'Steps'} ${id}`, children: kids };
  };
  return build(leaves, 1);
}

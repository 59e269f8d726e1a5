import { ancestorsOf, labelOf, type TreeNode } from './plan-tree.js';

/**
 * Which nodes have run before each node starts, following the executor's semantics: a sequence's
 * earlier children, everything before the enclosing composites; not the other branches of a
 * parallel (they run at the same time) nor of a conditional (only one branch runs). A loop's
 * `while` also sees its body's outputs from the previous iteration.
 */
export class RunOrder {
  private readonly before = new Map<TreeNode, ReadonlySet<string>>();
  private readonly byId = new Map<string, TreeNode>();

  constructor(root: TreeNode, nodes: readonly TreeNode[]) {
    for (const node of nodes) if (node.id && !this.byId.has(node.id)) this.byId.set(node.id, node);
    this.visit(root, new Set());
  }

  /** Ids whose output exists when `node` (and its own expressions) start. */
  availableBefore(node: TreeNode): ReadonlySet<string> {
    return this.before.get(node) ?? new Set();
  }

  /** The node with this id (the first one, when ids repeat). */
  find(id: string): TreeNode | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** Returns the ids available after `node` has finished. */
  private visit(node: TreeNode, available: ReadonlySet<string>): ReadonlySet<string> {
    this.before.set(node, available);
    const after = new Set(available);
    switch (node.type) {
      case 'sequence': {
        let current: ReadonlySet<string> = available;
        for (const child of node.children) current = this.visit(child, current);
        for (const id of current) after.add(id);
        break;
      }
      case 'parallel':
      case 'conditional':
      case 'loop':
        for (const child of node.children) for (const id of this.visit(child, available)) after.add(id);
        break;
    }
    if (node.id) after.add(node.id);
    return after;
  }
}

/**
 * Why `target` cannot be read from `from`: it runs later, at the same time, maybe never, or is
 * `from` itself. Undefined when nothing in the structure forbids it.
 */
export function explainUnavailable(from: TreeNode, target: TreeNode): string {
  if (from === target) return "is this node itself: a node cannot read its own output";
  const fromChain = [from, ...ancestorsOf(from)];
  if (fromChain.includes(target)) return `encloses this node, so it has not finished when this node runs`;
  const targetChain = [target, ...ancestorsOf(target)];
  if (targetChain.includes(from)) return 'runs inside this node, after this expression is evaluated';
  const common = fromChain.find((n) => targetChain.includes(n));
  if (!common) return 'is not on the path that leads to this node';
  const fromBranch = fromChain[fromChain.indexOf(common) - 1]!;
  const targetBranch = targetChain[targetChain.indexOf(common) - 1]!;
  switch (common.type) {
    case 'parallel':
      return `runs at the same time, in another branch of parallel ${labelOf(common)}; its output may not exist yet`;
    case 'conditional':
      return `is in another branch of conditional ${labelOf(common)}; only one branch runs`;
    case 'sequence':
      if (targetBranch.slot > fromBranch.slot) return `runs later (sequence ${labelOf(common)} runs it after this node)`;
      return 'runs earlier but its output is not available here';
    default:
      return 'runs later';
  }
}

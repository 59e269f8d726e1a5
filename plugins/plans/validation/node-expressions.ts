import { describeError } from '../../../kernel/index.js';
import { COMPOSITE_NODE_TYPES, adapterParamsOf, adapterParamsPrefix, scopeReferences, templateExpressions, type LeafNode, type PlanIssue, type PlanNode } from '../api/index.js';
import { closestName } from './closest-name.js';
import { ancestorsOf, type TreeNode } from './plan-tree.js';
import { explainUnavailable, type RunOrder } from './run-order.js';
import { SCOPE_NAMES } from './scope-references.js';

/** One expression of a node and when it is evaluated. */
interface NodeExpression {
  /** Field inside the node: `inputs.text`, `branches.0.when`, `params.url`. */
  field: string;
  expression: string;
  /** `while` sees the loop body's previous iteration; everything else is evaluated before the node runs. */
  timing: 'before' | 'while';
  /** `{{ … }}` inside a param (vs. a bare expression field). */
  template: boolean;
}

export interface ExpressionCheckContext {
  order: RunOrder;
  /** Names declared under the plan's `inputs`, or undefined when it declares none. */
  planInputs: readonly string[] | undefined;
}

const COMPOSITES = new Set<string>(COMPOSITE_NODE_TYPES);

/** The expressions of a node: input mappings, conditions, loop expressions and (for leaves) templates. */
export function expressionsOf(node: PlanNode, renderTemplates: boolean): NodeExpression[] {
  const found: NodeExpression[] = Object.entries(node.inputs ?? {}).map(([name, expression]) => ({
    field: `inputs.${name}`,
    expression,
    timing: 'before',
    template: false,
  }));
  switch (node.type) {
    case 'conditional':
      node.branches.forEach((branch, i) => found.push({ field: `branches.${i}.when`, expression: branch.when, timing: 'before', template: false }));
      break;
    case 'loop':
      if (node.forEach !== undefined) found.push({ field: 'forEach', expression: node.forEach, timing: 'before', template: false });
      if (node.while !== undefined) found.push({ field: 'while', expression: node.while, timing: 'while', template: false });
      break;
    case 'sequence':
    case 'parallel':
      break;
    default:
      // A leaf's title is rendered into the approval request it may raise (a human_approval's always).
      for (const t of templateExpressions(node.title)) found.push({ field: 'title', expression: t.expression, timing: 'before', template: true });
      if (renderTemplates) {
        const prefix = adapterParamsPrefix(node);
        for (const t of templateExpressions(adapterParamsOf(node as LeafNode))) {
          found.push({ field: [prefix, t.path].filter(Boolean).join('.'), expression: t.expression, timing: 'before', template: true });
        }
      }
  }
  return found;
}

/**
 * Compiles every expression of `tree` and checks what it reads: `nodes.<id>` must be a leaf that
 * has run by then, `vars.<name>` one of the node's own inputs, `input.<name>` a plan input,
 * `item`/`index` only inside loops.
 */
export function checkNodeExpressions(tree: TreeNode, node: PlanNode, expressions: NodeExpression[], context: ExpressionCheckContext): PlanIssue[] {
  const issues: PlanIssue[] = [];
  const issue = (field: string, message: string, severity: PlanIssue['severity'] = 'error') =>
    issues.push({ path: `${tree.pathText}.${field}`, nodeId: node.id, field, message, severity });

  for (const { field, expression, timing, template } of expressions) {
    const where = `node "${node.id}" ${field}`;
    let references;
    try {
      references = scopeReferences(expression, where);
    } catch (error) {
      const message = describeError(error);
      issue(field, `${template ? 'template ' : ''}${message.startsWith(`${where}: `) ? message.slice(where.length + 2) : message}`);
      continue;
    }
    const reported = new Set<string>();
    for (const ref of references) {
      const key = `${ref.root}.${ref.name ?? ''}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const problem = judgeReference(ref, { tree, node, field, timing }, context);
      if (problem) issue(field, problem.message, problem.severity);
    }
  }
  return issues;
}

function judgeReference(
  ref: { root: string; name?: string },
  at: { tree: TreeNode; node: PlanNode; field: string; timing: 'before' | 'while' },
  context: ExpressionCheckContext,
): { message: string; severity: PlanIssue['severity'] } | undefined {
  const error = (message: string) => ({ message, severity: 'error' as const });
  switch (ref.root) {
    case 'nodes': {
      if (ref.name === undefined) return undefined;
      const target = context.order.find(ref.name);
      if (!target) {
        const guess = closestName(ref.name, context.order.ids());
        return error(`reads nodes.${ref.name}, but no node has id "${ref.name}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
      }
      if (target.type && COMPOSITES.has(target.type)) {
        return error(`reads nodes.${ref.name}, but "${ref.name}" is a ${target.type} node and only leaf nodes have an output; read one of the leaf nodes inside it`);
      }
      const available = new Set(context.order.availableBefore(at.tree));
      if (at.timing === 'while') for (const inner of descendantIds(at.tree)) available.add(inner);
      if (available.has(ref.name)) return undefined;
      return error(`reads nodes.${ref.name}, but "${ref.name}" ${explainUnavailable(at.tree, target)}`);
    }
    case 'vars': {
      if (ref.name === undefined) return undefined;
      if (at.field.startsWith('inputs.')) {
        return error(`reads vars.${ref.name} inside an input mapping; vars are the result of the mappings, so write the expression itself`);
      }
      const declared = Object.keys(at.node.inputs ?? {});
      if (declared.includes(ref.name)) return undefined;
      return error(
        `reads vars.${ref.name}, but this node's inputs ${declared.length ? `are ${declared.join(', ')}` : 'are empty'}; add "inputs": { "${ref.name}": "<expression>" } to the node`,
      );
    }
    case 'input': {
      if (ref.name === undefined) return undefined;
      if (context.planInputs === undefined) {
        return { message: `reads input.${ref.name}, but the plan declares no inputs; declare it under the plan's "inputs"`, severity: 'warning' };
      }
      if (context.planInputs.includes(ref.name)) return undefined;
      const guess = closestName(ref.name, context.planInputs);
      return error(`reads input.${ref.name}, which is not an input of the plan (declared: ${context.planInputs.join(', ') || 'none'})${guess ? `; did you mean "${guess}"?` : ''}`);
    }
    case 'item':
      if (ancestorsOf(at.tree).some((a) => a.type === 'loop' && isRecordWith(a.raw, 'forEach'))) return undefined;
      return error('reads item, which only exists inside the body of a forEach loop');
    case 'index':
      if (at.timing === 'while' || ancestorsOf(at.tree).some((a) => a.type === 'loop')) return undefined;
      return error('reads index, which only exists inside the body of a loop');
    default:
      if ((SCOPE_NAMES as readonly string[]).includes(ref.root)) return undefined;
      return {
        message:
          `reads "${ref.root}", which is not defined here; expressions see ${SCOPE_NAMES.join(', ')}` +
          (context.order.find(ref.root) ? ` (the output of node "${ref.root}" is nodes.${ref.root})` : ''),
        severity: 'warning',
      };
  }
}

function descendantIds(tree: TreeNode): string[] {
  const out: string[] = [];
  const stack = [...tree.children];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next.id) out.push(next.id);
    stack.push(...next.children);
  }
  return out;
}

function isRecordWith(value: unknown, key: string): boolean {
  return value !== null && typeof value === 'object' && (value as Record<string, unknown>)[key] !== undefined;
}

import { compileExpression } from '../../../kernel/index.js';

/** The names an expression's scope offers (see kernel/contracts/plan.ts). */
export const SCOPE_NAMES = ['input', 'nodes', 'vars', 'item', 'index'] as const;

/** A path that starts at the scope's top: `nodes.fetch.body` → root `nodes`, name `fetch`. */
export interface ScopeReference {
  root: string;
  /** The step after the root, when it is a plain name. */
  name?: string;
}

/**
 * The top-level names an expression reads. Paths inside filters (`items[price > 10]`), blocks
 * after a step (`list.(price * qty)`) and later steps are relative to the current item, not to
 * the scope, so they are not references. Throws the kernel's `invalid_input` when it does not compile.
 */
export function scopeReferences(expression: string, where: string): ScopeReference[] {
  const out: ScopeReference[] = [];
  collect(compileExpression(expression, where).ast(), false, out);
  return out;
}

interface AstNode {
  type?: string;
  value?: unknown;
  steps?: unknown[];
  [key: string]: unknown;
}

const RELATIVE_KEYS = new Set(['stages', 'predicate', 'group']);

function collect(node: unknown, relative: boolean, out: ScopeReference[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, relative, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const ast = node as AstNode;
  if (ast.type === 'path' && Array.isArray(ast.steps)) {
    const [first, second] = ast.steps as AstNode[];
    if (!relative && first?.type === 'name' && typeof first.value === 'string') {
      out.push({ root: first.value, name: second?.type === 'name' && typeof second.value === 'string' ? second.value : undefined });
    }
    ast.steps.forEach((step, i) => collect(step, relative || i > 0, out));
    for (const [key, value] of Object.entries(ast)) if (key !== 'steps') collect(value, true, out);
    return;
  }
  for (const [key, value] of Object.entries(ast)) collect(value, relative || RELATIVE_KEYS.has(key), out);
}

import { compileExpression } from '../../../kernel/index.js';

/** A path read from the top of an expression's scope: `vars.body.id` → root `vars`, name `body`. */
export interface TemplateRoot {
  root: string;
  name?: string;
}

/**
 * The top-level names a JSONata expression reads. Steps after the first, filters and blocks after a
 * step are relative to the current item (`vars.rows[size > 3]`), so they are not roots.
 * Throws the kernel's `invalid_input` when the expression does not compile.
 */
export function templateRoots(expression: string, where: string): TemplateRoot[] {
  const found: TemplateRoot[] = [];
  collect(compileExpression(expression, where).ast(), false, found);
  return found;
}

interface AstNode {
  type?: string;
  value?: unknown;
  steps?: unknown[];
}

const RELATIVE_KEYS = new Set(['stages', 'predicate', 'group']);

function collect(node: unknown, relative: boolean, found: TemplateRoot[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, relative, found);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const ast = node as AstNode;
  if (ast.type === 'path' && Array.isArray(ast.steps)) {
    const [first, second] = ast.steps as AstNode[];
    if (!relative && first?.type === 'name' && typeof first.value === 'string') {
      found.push({ root: first.value, name: second?.type === 'name' && typeof second.value === 'string' ? second.value : undefined });
    }
    ast.steps.forEach((step, i) => collect(step, relative || i > 0, found));
    for (const [key, value] of Object.entries(ast)) if (key !== 'steps') collect(value, true, found);
    return;
  }
  for (const [key, value] of Object.entries(ast)) collect(value, relative || RELATIVE_KEYS.has(key), found);
}

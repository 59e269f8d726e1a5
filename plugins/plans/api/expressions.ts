import jsonata from 'jsonata';
import { OrchError } from '../../../kernel/index.js';

/**
 * JSONata, the one expression language of plans (conditions, loops, input mappings and `{{ … }}`
 * templates). It is side-effect free and never `eval`s JavaScript. Errors name where the
 * expression came from (`where`, e.g. `node "check" when`).
 */
export type ExpressionScope = Record<string, unknown>;

const compiled = new Map<string, jsonata.Expression>();

export function compileExpression(expression: string, where: string): jsonata.Expression {
  let result = compiled.get(expression);
  if (result) return result;
  try {
    result = jsonata(expression);
  } catch (error) {
    throw expressionError(error, expression, where, 'is not a valid expression');
  }
  compiled.set(expression, result);
  return result;
}

export async function evaluateExpression(expression: string, scope: ExpressionScope, where: string): Promise<unknown> {
  const compiledExpression = compileExpression(expression, where);
  try {
    return await compiledExpression.evaluate(scope);
  } catch (error) {
    throw expressionError(error, expression, where, 'failed');
  }
}

function expressionError(error: unknown, expression: string, where: string, what: string): OrchError {
  const detail = error as { message?: string; position?: number };
  const at = detail.position !== undefined ? ` at position ${detail.position}` : '';
  return new OrchError('invalid_input', `${where}: expression "${expression}" ${what}${at}: ${detail.message ?? String(error)}`, {
    expression,
    where,
  });
}

/** A path that starts at the top of the scope: `nodes.fetch.body` → root `nodes`, name `fetch`. */
export interface ScopeReference {
  root: string;
  /** The step after the root, when it is a plain name. */
  name?: string;
}

/**
 * The top-level names an expression reads, for the dry run's reference checks and the script
 * adapter's template rules. Paths inside filters (`items[price > 10]`), blocks after a step
 * (`list.(price * qty)`) and later steps are relative to the current item, not to the scope, so they
 * are not references. Throws `invalid_input` when the expression does not compile.
 */
export function scopeReferences(expression: string, where: string): ScopeReference[] {
  const found: ScopeReference[] = [];
  collectReferences(compileExpression(expression, where).ast(), false, found);
  return found;
}

interface AstNode {
  type?: string;
  value?: unknown;
  steps?: unknown[];
}

/** AST keys whose contents are evaluated against the current item rather than the scope. */
const RELATIVE_KEYS = new Set(['stages', 'predicate', 'group']);

function collectReferences(node: unknown, relative: boolean, found: ScopeReference[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collectReferences(item, relative, found);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const ast = node as AstNode;
  if (ast.type === 'path' && Array.isArray(ast.steps)) {
    const [first, second] = ast.steps as AstNode[];
    if (!relative && first?.type === 'name' && typeof first.value === 'string') {
      found.push({ root: first.value, name: second?.type === 'name' && typeof second.value === 'string' ? second.value : undefined });
    }
    ast.steps.forEach((step, i) => collectReferences(step, relative || i > 0, found));
    for (const [key, value] of Object.entries(ast)) if (key !== 'steps') collectReferences(value, true, found);
    return;
  }
  for (const [key, value] of Object.entries(ast)) collectReferences(value, relative || RELATIVE_KEYS.has(key), found);
}

const WHOLE_TEMPLATE = /^\s*\{\{((?:(?!\{\{|\}\})[\s\S])+)\}\}\s*$/;
const TEMPLATE = /\{\{([\s\S]+?)\}\}/g;

/** Every `{{ … }}` expression inside `value` (strings, arrays, objects), with its path. */
export function templateExpressions(value: unknown, path = ''): { path: string; expression: string }[] {
  if (typeof value === 'string') {
    return [...value.matchAll(TEMPLATE)].map((m) => ({ path, expression: m[1]!.trim() }));
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => templateExpressions(item, join(path, i)));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => templateExpressions(item, join(path, key)));
  }
  return [];
}

/**
 * Renders templates: a string that is exactly `{{ expr }}` becomes the expression's value (any JSON
 * type); `{{ expr }}` inside a longer string is replaced by its text.
 */
export async function renderTemplates(value: unknown, scope: ExpressionScope, where: string): Promise<unknown> {
  if (typeof value === 'string') {
    const whole = WHOLE_TEMPLATE.exec(value);
    if (whole) return evaluateExpression(whole[1]!.trim(), scope, where);
    if (!value.includes('{{')) return value;
    let out = '';
    let last = 0;
    for (const match of value.matchAll(TEMPLATE)) {
      const result = await evaluateExpression(match[1]!.trim(), scope, where);
      out += value.slice(last, match.index) + (typeof result === 'string' ? result : result === undefined ? '' : JSON.stringify(result));
      last = match.index! + match[0].length;
    }
    return out + value.slice(last);
  }
  if (Array.isArray(value)) return Promise.all(value.map((item) => renderTemplates(item, scope, where)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = await renderTemplates(item, scope, where);
    return out;
  }
  return value;
}

function join(path: string, key: string | number): string {
  return path ? `${path}.${key}` : String(key);
}

import jsonata from 'jsonata';
import { OrchError } from '../errors.js';

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

/**
 * Names used right after a root name in an expression, e.g. `nodes.fetch.body` → `fetch` for root
 * `nodes`. Used by the dry run to check that every referenced node exists and runs earlier.
 */
export function referencedNames(expression: string, root: string, where: string): string[] {
  const ast = compileExpression(expression, where).ast() as unknown;
  const names = new Set<string>();
  visit(ast, (node) => {
    if (node.type !== 'path' || !Array.isArray(node.steps)) return;
    const [first, second] = node.steps as { type: string; value: unknown }[];
    if (first?.type === 'name' && first.value === root && second?.type === 'name' && typeof second.value === 'string') {
      names.add(second.value);
    }
  });
  return [...names];
}

function visit(value: unknown, onNode: (node: { type?: string; steps?: unknown }) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, onNode);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  onNode(value as { type?: string });
  for (const child of Object.values(value)) visit(child, onNode);
}

// One template and nothing else: its inside holds no `{{` or `}}` ("{{ a }} {{ b }}" is two templates in a text).
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

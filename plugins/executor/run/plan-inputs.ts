import { OrchError, type FieldIssue } from '../../../kernel/index.js';
import { type Plan } from '../../plans/api/index.js';

/**
 * The inputs a run starts with: the given values checked against the plan's declared `inputs`
 * (types, required ones), defaults filled in. Values typed on the command line arrive as text
 * (`--input retries=3`); with `fromText` they are converted to the declared type first.
 */
export function resolveInputs(plan: Plan, given: Record<string, unknown>, options: { fromText?: boolean } = {}): Record<string, unknown> {
  const declared = plan.inputs ?? {};
  const names = Object.keys(declared);
  const issues: FieldIssue[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    if (names.length > 0 && !(name in declared)) {
      issues.push({ path: `inputs.${name}`, message: `plan "${plan.id}" has no input "${name}" (it declares: ${names.join(', ')})` });
      continue;
    }
    const type = declared[name]?.type ?? 'string';
    const converted = options.fromText && typeof value === 'string' ? fromText(value, type) : value;
    if (converted instanceof Error || !hasType(converted, type)) {
      issues.push({ path: `inputs.${name}`, message: `expected ${article(type)} ${type}${converted instanceof Error ? ` (${converted.message})` : ''}` });
      continue;
    }
    out[name] = converted;
  }
  for (const [name, spec] of Object.entries(declared)) {
    if (name in out || issues.some((i) => i.path === `inputs.${name}`)) continue;
    if (spec.default !== undefined) out[name] = spec.default;
    else if (spec.required) issues.push({ path: `inputs.${name}`, message: `required${spec.description ? ` (${spec.description})` : ''}; give it with --input ${name}=…` });
  }
  if (issues.length > 0) {
    throw new OrchError('invalid_input', `Inputs of plan "${plan.id}" are invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  return out;
}

/** `k=v` pairs from `--input` options; a value may contain `=`. */
export function parseInputPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new OrchError('invalid_input', `--input expects name=value, got "${pair}"`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

function fromText(text: string, type: string): unknown {
  switch (type) {
    case 'number': {
      const n = Number(text);
      return text.trim() === '' || Number.isNaN(n) ? new Error(`"${text}" is not a number`) : n;
    }
    case 'boolean':
      if (text === 'true' || text === 'false') return text === 'true';
      return new Error(`"${text}" is not true or false`);
    case 'object':
    case 'array':
      try {
        return JSON.parse(text);
      } catch {
        return new Error(`"${text}" is not JSON`);
      }
    default:
      return text;
  }
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return typeof value === 'string';
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a';
}

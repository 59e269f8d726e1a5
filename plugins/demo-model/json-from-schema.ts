import { DEMO_LABEL, leadSentences, pickLabel } from './demo-text.js';

/** What the demo model knows when it fills in a structured answer. */
export interface AnswerContext {
  /** The text the agent was given (the last user message). */
  input: string;
  /** Texts tools returned in this conversation. */
  toolResults: string[];
}

/**
 * A value matching a JSON Schema, made deterministically from the context: enums are picked by
 * keywords of the input, free text fields get a labelled sentence, numbers their minimum (or 0),
 * arrays one element. Covers what agents' output schemas use (objects, enums, const, anyOf,
 * nullable types); unknown shapes get `null`.
 */
export function valueFor(schema: unknown, context: AnswerContext, field = 'value', depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 12) return null;
  const s = schema as Record<string, unknown>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return pickLabel(s.enum, context.input);
  const variants = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(variants) && variants.length > 0) {
    const concrete = variants.find((v) => (v as Record<string, unknown>)?.type !== 'null') ?? variants[0];
    return valueFor(concrete, context, field, depth + 1);
  }
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== 'null') : (s.type as string | undefined);
  switch (type ?? (s.properties ? 'object' : undefined)) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(properties).map(([name, sub]) => [name, valueFor(sub, context, name, depth + 1)]));
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 1;
      return Array.from({ length: Math.max(min, 1) }, () => valueFor(s.items, context, field, depth + 1));
    }
    case 'string':
      return textFor(field, s, context);
    case 'integer':
    case 'number': {
      const low = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : 0;
      const high = typeof s.maximum === 'number' ? s.maximum : undefined;
      const guess = /count|words|length|total/i.test(field) ? context.input.trim().split(/\s+/).filter(Boolean).length : /confidence|score|probability/i.test(field) ? 0.5 : low;
      const clamped = Math.max(low, high !== undefined ? Math.min(high, guess) : guess);
      return type === 'integer' ? Math.round(clamped) : clamped;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return null;
  }
}

function textFor(field: string, schema: Record<string, unknown>, context: AnswerContext): string {
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
  let text: string;
  if (/summary|abstract|gist|overview/i.test(field)) text = `${DEMO_LABEL} ${leadSentences(context.input, 2, 40) || 'nothing to summarise'}`;
  else if (/reason|explanation|why|rationale|comment|note/i.test(field)) text = `${DEMO_LABEL} picked by keywords of the input: "${leadSentences(context.input, 1, 16)}"`;
  else if (/title|name|subject|headline/i.test(field)) text = `${DEMO_LABEL} ${leadSentences(context.input, 1, 8)}`;
  else text = `${DEMO_LABEL} ${leadSentences(context.input, 1, 20)}`;
  return max !== undefined ? text.slice(0, max) : text;
}

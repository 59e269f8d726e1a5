import { z } from 'zod';

/**
 * The JSON Schema a model is given for a Zod schema: the input side (what the model must write,
 * before defaults and transforms), without `$schema` (some servers refuse unknown top-level keys).
 */
export function modelJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/**
 * Whether OpenAI's strict structured output accepts the schema: every object lists all its
 * properties as required and forbids others (optional fields must be written `.nullable()`).
 */
export function isStrictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  if (typeof schema !== 'object' || schema === null) return true;
  const node = schema as Record<string, unknown>;
  if (node.type === 'object' || node.properties) {
    const properties = (node.properties ?? {}) as Record<string, unknown>;
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    if (node.additionalProperties !== false) return false;
    if (Object.keys(properties).some((key) => !required.has(key))) return false;
  }
  if (node.type === 'object' && node.properties === undefined) return false;
  return Object.entries(node).every(([key, value]) => key === 'const' || key === 'enum' || key === 'default' || isStrictCompatible(value));
}

/**
 * The JSON value in a model's answer: the whole text, else a fenced ```json block, else the span
 * from the first `{` or `[` to the matching last bracket (models in prompt mode like to chat).
 */
export function extractJson(text: string): unknown {
  const trimmed = text.trim();
  const candidates = [trimmed];
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(trimmed);
  if (fenced) candidates.push(fenced[1]!.trim());
  for (const [open, close] of [['{', '}'], ['[', ']']] as const) {
    const start = trimmed.indexOf(open);
    const end = trimmed.lastIndexOf(close);
    if (start >= 0 && end > start) candidates.push(trimmed.slice(start, end + 1));
  }
  let firstError: Error | undefined;
  for (const candidate of candidates) {
    try {
      return JSON.parse(candidate);
    } catch (error) {
      firstError ??= error as Error;
    }
  }
  throw new SyntaxError(trimmed ? `the answer is not JSON (${firstError?.message})` : 'the answer is empty');
}

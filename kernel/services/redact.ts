/** Keys whose values never reach a log line or a stored tool-call record. */
const SECRET_KEY = /(pass(word|wd|phrase)?|secret|token|api[-_]?key|authorization|auth|cookie|credential|private[-_]?key)$/i;

export const REDACTED = '[REDACTED]';

/** Values known to be secret in this process (e.g. run inputs declared `secret`): scrubbed wherever they appear. */
const secretValues = new Set<string>();

/** From now on, `redactSecrets` (and so every log line) replaces these values wherever they appear in a string. */
export function registerSecretValues(values: Iterable<unknown>): void {
  for (const value of values) {
    const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
    if (text.length >= 4) secretValues.add(text);
  }
}

function scrub(text: string): string {
  let out = text;
  for (const secret of secretValues) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/** A copy of `value` with secret-looking fields replaced; cycles and depth are bounded. */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return secretValues.size > 0 ? scrub(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12) return '[…]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1, seen));
  if (value instanceof Error) return { name: value.name, message: redactSecrets(value.message, depth + 1, seen) };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && item !== undefined && item !== null ? REDACTED : redactSecrets(item, depth + 1, seen);
  }
  return out;
}

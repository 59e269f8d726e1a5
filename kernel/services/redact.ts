/** Keys whose values never reach a log line or a stored tool-call record. */
const SECRET_KEY = /(pass(word|wd|phrase)?|secret|token|api[-_]?key|authorization|auth|cookie|credential|private[-_]?key)$/i;

export const REDACTED = '[REDACTED]';

/** A copy of `value` with secret-looking fields replaced; cycles and depth are bounded. */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12) return '[…]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1, seen));
  if (value instanceof Error) return { name: value.name, message: value.message };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && item !== undefined && item !== null ? REDACTED : redactSecrets(item, depth + 1, seen);
  }
  return out;
}

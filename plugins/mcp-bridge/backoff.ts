import type { ReconnectPolicy } from './servers-config.js';

/**
 * Wait before reconnection attempt `attempt` (1 for the first retry): `initialMs × factor^(attempt-1)`,
 * capped at `maxMs`. With the defaults: 5 s, 10 s, 20 s, 40 s, 60 s, 60 s, …
 */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  // Exponent capped so a long outage never overflows to Infinity.
  const raw = policy.initialMs * policy.factor ** Math.min(attempt - 1, 64);
  return Math.round(Math.min(raw, policy.maxMs));
}

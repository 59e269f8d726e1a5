/** Longest wait before a retry, whatever Retry-After or the backoff say. */
export const MAX_RETRY_WAIT_MS = 60_000;

/**
 * The wait before retry number `retry` (1 for the first): the server's `Retry-After` (seconds or an
 * HTTP date) when it gives one, else `backoffMs` doubled per retry; capped at a minute.
 */
export function retryWaitMs(retry: number, backoffMs: number, retryAfter: string | undefined, now = Date.now()): number {
  const fromServer = retryAfter === undefined ? undefined : parseRetryAfter(retryAfter, now);
  const wait = fromServer ?? backoffMs * 2 ** (retry - 1);
  return Math.max(0, Math.min(MAX_RETRY_WAIT_MS, Math.round(wait)));
}

function parseRetryAfter(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : date - now;
}

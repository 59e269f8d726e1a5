import { setTimeout as sleep } from 'node:timers/promises';

/** Timers are re-armed at least this often, so a long wait follows the wall clock (and fits setTimeout). */
const MAX_STEP_MS = 60_000;

/**
 * Resolves at `target` (epoch ms) by the wall clock; rejects with the signal's reason when aborted.
 * `onStep` is told the time left at each step (for progress reports).
 */
export async function waitUntil(target: number, signal: AbortSignal, onStep?: (leftMs: number) => void): Promise<void> {
  for (;;) {
    signal.throwIfAborted();
    const left = target - Date.now();
    if (left <= 0) return;
    onStep?.(left);
    await sleep(Math.min(left, MAX_STEP_MS), undefined, { signal }).catch((error: unknown) => {
      throw signal.aborted ? signal.reason : error;
    });
  }
}

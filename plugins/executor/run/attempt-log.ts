import { ATTEMPTS_KEPT, type AttemptOutcome, type AttemptRecord, type NodeRunState } from '../api/index.js';

/**
 * The attempts of one node in its run record (`attemptLog`): every try in every loop iteration,
 * oldest first, the newest `ATTEMPTS_KEPT` kept. An attempt opens `running` when the adapter is
 * called (or a person is asked) and closes with its outcome. The same attempt of the same
 * iteration opened again — the node runs again after a crash or a resume under the same attempt
 * number — reuses its entry instead of adding one.
 */

function sameTry(entry: AttemptRecord, attempt: number, iteration: string | undefined): boolean {
  return entry.attempt === attempt && entry.iteration === iteration;
}

function push(state: NodeRunState, entry: AttemptRecord): AttemptRecord {
  const log = (state.attemptLog ??= []);
  log.push(entry);
  if (log.length > ATTEMPTS_KEPT) {
    const dropped = log.length - ATTEMPTS_KEPT;
    log.splice(0, dropped);
    state.attemptsDropped = (state.attemptsDropped ?? 0) + dropped;
  }
  return entry;
}

/** The attempt starts (or starts again): its entry is `running` from `startedAt`. */
export function openAttempt(state: NodeRunState, attempt: number, iteration: string | undefined, startedAt: string): AttemptRecord {
  const last = state.attemptLog?.at(-1);
  if (last && sameTry(last, attempt, iteration) && (last.outcome === 'running' || last.outcome === 'succeeded')) {
    Object.assign(last, { startedAt, outcome: 'running', finishedAt: undefined, durationMs: undefined, error: undefined });
    return last;
  }
  return push(state, { attempt, ...(iteration !== undefined ? { iteration } : {}), startedAt, outcome: 'running' });
}

/**
 * The attempt ended. Closes the open entry of this attempt and iteration, or records one that
 * never opened (it failed before it got a slot: bad parameters) as starting when it ended.
 */
export function closeAttempt(
  state: NodeRunState,
  attempt: number,
  iteration: string | undefined,
  outcome: Exclude<AttemptOutcome, 'running'>,
  finishedAt: string,
  error?: string,
): AttemptRecord {
  const last = state.attemptLog?.at(-1);
  const entry =
    last && sameTry(last, attempt, iteration) && last.outcome === 'running'
      ? last
      : push(state, { attempt, ...(iteration !== undefined ? { iteration } : {}), startedAt: finishedAt, outcome });
  entry.outcome = outcome;
  entry.finishedAt = finishedAt;
  const took = Date.parse(finishedAt) - Date.parse(entry.startedAt);
  entry.durationMs = Number.isFinite(took) ? Math.max(0, took) : 0;
  if (error !== undefined) entry.error = error;
  else delete entry.error;
  return entry;
}

/**
 * A person chose to go on without the node: a zero-length `skipped` entry, added once however
 * often the node is entered again afterwards.
 */
export function recordSkip(state: NodeRunState, iteration: string | undefined, at: string): void {
  const last = state.attemptLog?.at(-1);
  if (last?.outcome === 'skipped' && last.iteration === iteration) return;
  if (last?.outcome === 'running' && last.iteration === iteration) {
    closeAttempt(state, last.attempt, iteration, 'skipped', at);
    return;
  }
  push(state, { attempt: state.attempts, ...(iteration !== undefined ? { iteration } : {}), startedAt: at, finishedAt: at, durationMs: 0, outcome: 'skipped' });
}

/** The run ended (cancelled, failed) with the node's attempt still open: it ends as `outcome`. */
export function closeOpenAttempt(state: NodeRunState, outcome: 'cancelled' | 'failed' | 'succeeded', at: string): void {
  const last = state.attemptLog?.at(-1);
  if (last?.outcome === 'running') closeAttempt(state, last.attempt, last.iteration, outcome, state.finishedAt && outcome === 'succeeded' ? state.finishedAt : at, outcome === 'failed' ? state.error : undefined);
}

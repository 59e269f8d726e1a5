import { isOrchError } from '../../../kernel/index.js';
import type { ApprovalRecord, ApprovalStore, NewApprovalRequest } from '../../approvals/api/index.js';
import { StateWriteError } from './write-failure.js';

/** A lock that times out (one holder kept it too long) is asked again this many times before the run blocks. */
const LOCK_ATTEMPTS = 3;

/**
 * Asks the approval store for a gate's request. The store's files are the run's state as much as
 * its record is: when they cannot be used — the lock stays busy, a file is damaged or unreadable,
 * a write fails — the run stops `blocked` (resumable with `run:resume` once the cause is gone),
 * never `failed`, and the gated node does not run. A busy lock is first waited for again.
 * Anything else (the request itself is invalid) is the plan's error and fails the run as before.
 */
export async function requestApproval(store: ApprovalStore, input: NewApprovalRequest): Promise<ApprovalRecord> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.request(input);
    } catch (error) {
      if (isOrchError(error) && error.code === 'timeout' && attempt < LOCK_ATTEMPTS) continue;
      if (isStateTrouble(error)) throw new StateWriteError(error);
      throw error;
    }
  }
}

/** The approval files could not be used (as opposed to a request the store refuses). */
function isStateTrouble(error: unknown): boolean {
  if (!isOrchError(error)) return (error as NodeJS.ErrnoException)?.code !== undefined;
  if (error.code === 'timeout' || error.code === 'write_failed') return true;
  return typeof (error.details as { file?: unknown } | undefined)?.file === 'string';
}

import { describeError, isOrchError, OrchError } from '../../../kernel/index.js';

/**
 * The executor's own state (a run record) could not be written. Thrown through graph nodes so the
 * run stops as `blocked` — unlike an adapter's failure, which is the node's and is retried.
 */
export class StateWriteError extends OrchError {
  constructor(cause: unknown) {
    super('write_failed', describeError(cause), isOrchError(cause) ? cause.details : undefined, { cause });
  }
}

/** The `write_failed` error behind a failure, if the state folder refused a write. */
export function findWriteFailure(error: unknown): Error | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (isOrchError(current) && current.code === 'write_failed') return current;
    const code = (current as NodeJS.ErrnoException).code;
    if (code && ['ENOSPC', 'EROFS', 'EACCES', 'EPERM', 'EDQUOT', 'ENOTDIR', 'EIO'].includes(code)) return current as Error;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

import { createHash } from 'node:crypto';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from '../../../kernel/index.js';

/**
 * Where the locks of workspace files live: one folder per user in the machine's temp folder, one
 * lock per resolved path (named by its hash). Outside the workspace, so `list` never shows a lock
 * and a folder being moved or deleted carries none; machine-wide, so two Orch processes — even with
 * different homes — writing one file take turns.
 */
export function lockFolder(): string {
  let user: string;
  try {
    user = String(userInfo().uid >= 0 ? userInfo().uid : userInfo().username);
  } catch {
    user = 'user';
  }
  return join(tmpdir(), `orch-file-locks-${user}`);
}

function lockKey(path: string): string {
  return join(lockFolder(), createHash('sha256').update(path).digest('hex').slice(0, 40));
}

/**
 * Runs `work` holding the locks of `paths` (resolved, real paths): in this process callers queue in
 * order, across processes the kernel's file lock takes turns. Several paths are locked in one fixed
 * order, so a copy a→b and a copy b→a never wait for each other forever.
 */
export function withPathLocks<T>(paths: readonly string[], work: () => Promise<T>): Promise<T> {
  const keys = [...new Set(paths.map(lockKey))].sort();
  const run = (index: number): Promise<T> => (index === keys.length ? work() : withFileLock(keys[index]!, () => run(index + 1), { timeoutMs: 60_000 }));
  return run(0);
}

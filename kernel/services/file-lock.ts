import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { OrchError } from '../errors.js';

/**
 * An inter-process lock beside a file: `<file>.lock/` created with mkdir, which is atomic. The owner's
 * pid is written inside so a lock left by a killed process is recognised and broken; a lock with no
 * owner older than `staleMs` is broken too (a crash between mkdir and writing the owner).
 *
 * Waiting is fair and bounded by progress, not by the length of the queue:
 * - callers in one process queue in order (FIFO) before they compete for the folder, so a process
 *   never polls against itself and the folder sees one contender per process;
 * - `timeoutMs` is how long **one holder** may keep the lock while we wait: each time the lock
 *   changes hands the clock starts again, so a long queue of short holds is waited out;
 *   `maxWaitMs` bounds the whole wait.
 * On a timeout the error says who holds the lock and whether that process is alive; it advises
 * removing the lock only when its recorded holder is gone.
 */
export interface FileLockOptions {
  /** How long one holder may keep the lock before a waiter gives up (default 15 s). */
  timeoutMs?: number;
  /** A lock with no owner recorded is broken after this long (default 30 s). */
  staleMs?: number;
  /** Upper bound of the whole wait, however much progress the queue makes (default 5 min). */
  maxWaitMs?: number;
}

/** What happened on the last acquisitions of a lock, for measurements (`lockStats`). */
export interface LockStats {
  acquisitions: number;
  /** Milliseconds between asking and holding, per acquisition. */
  waits: number[];
  /** Milliseconds the lock was held, per acquisition. */
  holds: number[];
  /** Most callers of this process waiting at once. */
  maxQueue: number;
}

interface LocalQueue {
  tail: Promise<void>;
  waiting: number;
  /** When the current in-process holder took its turn (undefined when none holds). */
  heldSince?: number;
}

const queues = new Map<string, LocalQueue>();
const stats = new Map<string, LockStats>();
const STATS_KEPT = 10_000;

/** Measurements of a lock taken in this process (by the file it guards); reset with `resetLockStats`. */
export function lockStats(file: string): LockStats {
  return stats.get(`${file}.lock`) ?? { acquisitions: 0, waits: [], holds: [], maxQueue: 0 };
}

export function resetLockStats(file?: string): void {
  if (file === undefined) stats.clear();
  else stats.delete(`${file}.lock`);
}

export async function withFileLock<T>(file: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lock = `${file}.lock`;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 30_000;
  const maxWaitMs = options.maxWaitMs ?? 5 * 60_000;
  const asked = Date.now();
  const queue = queues.get(lock) ?? { tail: Promise.resolve(), waiting: 0 };
  queues.set(lock, queue);
  const before = queue.tail;
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  queue.tail = before.then(() => mine);
  queue.waiting++;
  const record = stats.get(lock) ?? { acquisitions: 0, waits: [], holds: [], maxQueue: 0 };
  stats.set(lock, record);
  record.maxQueue = Math.max(record.maxQueue, queue.waiting);
  let token: string | undefined;
  try {
    await waitForTurn(lock, before, queue, timeoutMs, asked, maxWaitMs);
    token = await acquire(lock, timeoutMs, staleMs, asked + maxWaitMs);
    const held = Date.now();
    queue.heldSince = held;
    try {
      return await work();
    } finally {
      record.acquisitions++;
      if (record.waits.length < STATS_KEPT) {
        record.waits.push(held - asked);
        record.holds.push(Date.now() - held);
      }
    }
  } finally {
    if (token !== undefined) await release(lock, token);
    queue.heldSince = undefined;
    queue.waiting--;
    done();
    if (queue.waiting === 0 && queues.get(lock) === queue) queues.delete(lock);
  }
}

/** Waits for the callers of this process ahead of us; gives up only if one of them holds too long. */
async function waitForTurn(lock: string, before: Promise<void>, queue: LocalQueue, timeoutMs: number, asked: number, maxWaitMs: number): Promise<void> {
  let turn = false;
  void before.then(() => (turn = true));
  await Promise.resolve();
  for (let wait = 1; !turn; wait = Math.min(wait * 2, 100)) {
    const now = Date.now();
    if (queue.heldSince !== undefined && now - queue.heldSince > timeoutMs) {
      throw new OrchError('timeout', `Timed out waiting for the lock ${lock}: this process (pid ${process.pid}) has held it for ${now - queue.heldSince} ms and is still working on it`, {
        file: lock,
        holder: { pid: process.pid, host: hostname(), alive: true },
      });
    }
    if (now - asked > maxWaitMs) throw new OrchError('timeout', `Gave up waiting for the lock ${lock} after ${now - asked} ms: it has been in constant use`, { file: lock });
    await Promise.race([before, sleep(wait)]);
  }
}

interface Owner {
  pid: number;
  host: string;
  at: number;
  token?: string;
}

async function acquire(lock: string, timeoutMs: number, staleMs: number, giveUpAt: number): Promise<string> {
  const token = randomBytes(8).toString('hex');
  await mkdir(dirname(lock), { recursive: true }).catch(() => undefined);
  let seen: string | undefined;
  let seenSince = Date.now();
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'owner'), JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), token } satisfies Owner));
      return token;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new OrchError('write_failed', `Could not lock ${lock}: ${(error as Error).message}`, { file: lock });
      }
    }
    const holder = await readOwner(lock);
    if (await isStale(lock, holder, staleMs)) {
      await breakLock(lock, holder);
      continue;
    }
    // The clock runs per holder: a lock that changes hands is a queue moving, not a stuck process.
    const identity = holder.owner ? JSON.stringify(holder.owner) : holder.text;
    if (identity !== seen) {
      seen = identity;
      seenSince = Date.now();
    }
    const now = Date.now();
    if (now - seenSince > timeoutMs || now > giveUpAt) throw timeoutError(lock, holder.owner, now - seenSince, staleMs);
    await sleep(wait + Math.random() * wait);
  }
}

function timeoutError(lock: string, owner: Owner | undefined, heldMs: number, staleMs: number): OrchError {
  const base = `Timed out waiting for the lock ${lock}`;
  if (!owner) {
    return new OrchError('timeout', `${base}: it names no holder yet (a process is taking it); it is removed on its own once it is ${staleMs} ms old`, { file: lock });
  }
  const local = owner.host === hostname();
  const alive = local ? isAlive(owner.pid) : undefined;
  const holder = { pid: owner.pid, host: owner.host, alive };
  if (alive) {
    return new OrchError('timeout', `${base}: process ${owner.pid} has held it for ${heldMs} ms and is still running — do not remove the lock; try again when it is done`, { file: lock, holder });
  }
  if (!local) {
    return new OrchError('timeout', `${base}: process ${owner.pid} on ${owner.host} has held it for ${heldMs} ms; remove ${lock} only if that process is no longer running`, { file: lock, holder });
  }
  return new OrchError('timeout', `${base}: its holder, process ${owner.pid}, is no longer running; remove ${lock}`, { file: lock, holder });
}

async function readOwner(lock: string): Promise<{ owner?: Owner; text?: string }> {
  try {
    const text = await readFile(join(lock, 'owner'), 'utf8');
    try {
      return { owner: JSON.parse(text) as Owner, text };
    } catch {
      return { text }; // being written
    }
  } catch {
    return {};
  }
}

async function isStale(lock: string, holder: { owner?: Owner }, staleMs: number): Promise<boolean> {
  if (holder.owner) return holder.owner.host === hostname() && !isAlive(holder.owner.pid);
  // No owner yet: the holder is between mkdir and writing it, or died there; judge by age.
  try {
    return Date.now() - (await stat(lock)).mtimeMs > staleMs;
  } catch {
    return false; // released meanwhile
  }
}

/**
 * Removes a dead holder's lock. The folder is first renamed aside, so two waiters breaking the same
 * lock cannot remove a fresh one taken in between; what was moved aside is put back if it turns
 * out to be someone else's.
 */
async function breakLock(lock: string, stale: { owner?: Owner }): Promise<void> {
  const aside = `${lock}.broken-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lock, aside);
  } catch {
    return; // gone already
  }
  const moved = await readOwner(aside);
  const same = stale.owner ? moved.owner?.token === stale.owner.token && moved.owner?.pid === stale.owner.pid : !moved.owner;
  if (!same) await rename(aside, lock).catch(() => undefined);
  await rm(aside, { recursive: true, force: true });
}

/** Removes the lock if it is still ours (a lock broken as stale may have been taken by another since). */
async function release(lock: string, token: string): Promise<void> {
  const { owner } = await readOwner(lock);
  if (owner && owner.token !== undefined && owner.token !== token) return;
  await rm(lock, { recursive: true, force: true });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { OrchError } from '../errors.js';

/**
 * An inter-process lock beside a file: `<file>.lock/` created with mkdir, which is atomic. The owner's
 * pid is written inside so a lock left by a killed process is recognised and broken; a lock older
 * than `staleMs` is broken too (a crash between mkdir and writing the owner).
 */
export interface FileLockOptions {
  timeoutMs?: number;
  staleMs?: number;
}

export async function withFileLock<T>(file: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const lock = `${file}.lock`;
  await acquire(lock, options.timeoutMs ?? 15_000, options.staleMs ?? 30_000);
  try {
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

async function acquire(lock: string, timeoutMs: number, staleMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await mkdir(dirname(lock), { recursive: true }).catch(() => undefined);
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, 'owner'), JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() }));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new OrchError('write_failed', `Could not lock ${lock}: ${(error as Error).message}`, { file: lock });
      }
    }
    if (await isStale(lock, staleMs)) {
      await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new OrchError('timeout', `Timed out after ${timeoutMs} ms waiting for the lock ${lock}; remove it if no Orch process is running`, {
        file: lock,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, wait + Math.random() * wait));
  }
}

async function isStale(lock: string, staleMs: number): Promise<boolean> {
  try {
    const owner = JSON.parse(await readFile(join(lock, 'owner'), 'utf8')) as { pid: number; host: string };
    return owner.host === hostname() && !isAlive(owner.pid);
  } catch {
    // No owner yet: the holder is between mkdir and writing it, or died there; judge by age.
  }
  try {
    return Date.now() - (await stat(lock)).mtimeMs > staleMs;
  } catch {
    return false; // released meanwhile
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

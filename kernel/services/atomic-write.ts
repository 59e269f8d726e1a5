import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { link, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OrchError } from '../errors.js';

/**
 * Makes `target` appear complete or not at all: `fill` writes a temp file in the same folder, which
 * is fsynced and then renamed over the target (or, without `overwrite`, hard-linked to it, which
 * fails with EEXIST rather than replace a file that appeared meanwhile). The folder is fsynced too.
 * Errors are the file system's own, so callers can tell EEXIST from ENOSPC.
 */
export async function replaceAtomically(
  target: string,
  fill: (temp: string) => Promise<void>,
  options: { overwrite?: boolean; createDirs?: boolean } = {},
): Promise<void> {
  const folder = dirname(target);
  if (options.createDirs ?? true) await mkdir(folder, { recursive: true });
  const temp = tempFileFor(target);
  try {
    await fill(temp);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite ?? true) await rename(temp, target);
    else {
      await link(temp, target);
      await rm(temp, { force: true });
    }
    await syncFolder(folder);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Replaces `file` with `content` so readers see either the old or the new file, never a torn one.
 * Any failure is `write_failed`: the caller must stop the work that needed the write.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  try {
    await replaceAtomically(file, (temp) => writeFile(temp, content, { encoding: 'utf8', mode: 0o644, flag: 'wx' }));
  } catch (error) {
    throw new OrchError('write_failed', `Could not write ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
}

/**
 * `writeFileAtomic` on the calling thread, for a file the work waits for anyway (a run's record as
 * the run starts and ends, a checkpoint log's compaction): no thread-pool round trips — about ten
 * per write, each waiting for a free CPU on a busy machine — at the price of blocking the event loop
 * for the write and its fsyncs.
 * `durable: false` skips the fsyncs: readers still see the old or the new file, but after a power
 * loss the file may be the older one (for what does not outlive its process anyway).
 */
export function writeFileAtomicSync(file: string, content: string, options: { durable?: boolean } = {}): void {
  const durable = options.durable ?? true;
  const folder = dirname(file);
  const temp = tempFileFor(file);
  try {
    mkdirSync(folder, { recursive: true });
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeSync(fd, content);
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
    if (durable) syncFolderSync(folder);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new OrchError('write_failed', `Could not write ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
}

function tempFileFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.orch-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/** `syncFolder` on the calling thread (no thread-pool round trips), as a log's own fsync runs. */
export function syncFolderSync(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } catch {
    // As in syncFolder: some filesystems refuse fsync on a folder.
  } finally {
    closeSync(fd);
  }
}

/** fsyncs a folder (so a rename or a new file in it survives a power loss); a filesystem that refuses is tolerated. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a folder; the rename is atomic there all the same.
  } finally {
    await handle.close();
  }
}

/** JSON as Orch stores it: two-space indent, newline-terminated (for incremental backups). */
export function toStoredJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

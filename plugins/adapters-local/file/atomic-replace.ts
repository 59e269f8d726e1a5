import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Makes `target` appear complete or not at all: `fill` writes a temp file in the same folder, which
 * is fsynced and then renamed over the target (or, without `overwrite`, hard-linked to it, which
 * fails with EEXIST rather than replace a file that appeared meanwhile). The folder is fsynced too.
 */
export async function replaceAtomically(
  target: string,
  fill: (temp: string) => Promise<void>,
  options: { overwrite: boolean; createDirs: boolean },
): Promise<void> {
  const folder = dirname(target);
  if (options.createDirs) await mkdir(folder, { recursive: true });
  const temp = join(folder, `.${basename(target)}.orch-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await fill(temp);
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite) await rename(temp, target);
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

import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OrchError } from '../errors.js';

/**
 * Replaces `file` with `content` so readers see either the old or the new file, never a torn one:
 * temp file in the same folder, fsync, rename, fsync of the folder. Any failure is `write_failed`.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const folder = dirname(file);
  const temp = join(folder, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(folder, { recursive: true });
    const handle = await open(temp, 'w', 0o644);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    await syncFolder(folder);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new OrchError('write_failed', `Could not write ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a directory; the rename itself is already atomic there.
  } finally {
    await handle.close();
  }
}

/** JSON as Orch stores it: two-space indent, newline-terminated (for incremental backups). */
export function toStoredJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

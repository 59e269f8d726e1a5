import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Symbolic links followed before giving up, as the kernel's own limit (ELOOP) would. */
const MAX_LINKS = 40;

/**
 * The path the operating system would reach for `path`, also when it does not exist yet: the
 * nearest existing ancestor is resolved with `realpath`, the missing rest appended, and dangling
 * symbolic links are followed to where they point (a write through one would create that target).
 */
export async function realPathOf(path: string, linksFollowed = 0): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const entry = await lstat(path).catch((error: unknown) => {
    if (isMissing(error)) return undefined;
    throw error;
  });
  if (entry?.isSymbolicLink()) {
    if (linksFollowed >= MAX_LINKS) throw Object.assign(new Error(`too many levels of symbolic links at ${path}`), { code: 'ELOOP' });
    const target = resolve(dirname(path), await readlink(path));
    return realPathOf(target, linksFollowed + 1);
  }
  const parent = dirname(path);
  if (parent === path) return path;
  return join(await realPathOf(parent, linksFollowed), basename(path));
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

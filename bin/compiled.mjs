// Whether the compiled JavaScript in dist/ is current: built after every TypeScript file of kernel/,
// cli/ and plugins/ last changed. Plain JS, so the CLI host can ask before loading anything heavy.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const STAMP = join('dist', '.build-stamp');

/** Newest modification time (ms) of the TypeScript sources the build compiles. */
export function newestSource(projectRoot) {
  let newest = 0;
  const walk = (folder) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'gui' && entry.name !== 'dist') walk(join(folder, entry.name));
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        newest = Math.max(newest, statSync(join(folder, entry.name)).mtimeMs);
      }
    }
  };
  walk(join(projectRoot, 'kernel'));
  walk(join(projectRoot, 'cli'));
  walk(join(projectRoot, 'plugins'));
  return newest;
}

/** dist/ when its stamp is newer than every source (and not disabled with ORCH_FROM_SOURCE=1), else undefined. */
export function compiledDist(projectRoot) {
  if (process.env.ORCH_FROM_SOURCE === '1') return undefined;
  let stamp;
  try {
    stamp = statSync(join(projectRoot, STAMP)).mtimeMs;
  } catch {
    return undefined;
  }
  return newestSource(projectRoot) <= stamp ? join(projectRoot, 'dist') : undefined;
}

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The installation folder (the one with `package.json`) above a module, whether the module runs
 * from its TypeScript source (`kernel/…`) or compiled (`dist/kernel/…`).
 */
export function projectRootOf(moduleUrl: string): string {
  let folder = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`No package.json above ${fileURLToPath(moduleUrl)}`);
    folder = parent;
  }
  return folder;
}

/** True when this kernel runs compiled from `dist/` (no TypeScript loader in the process). */
export const RUNS_COMPILED = import.meta.url.endsWith('.js');

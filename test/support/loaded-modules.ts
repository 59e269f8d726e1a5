import { readFileSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { join } from 'node:path';

/**
 * For probe processes that tell which packages a command or an idle server loaded: from now on every
 * module this process loads is recorded (a module hook appends its URL to `<home>/loaded-modules.txt`).
 * Call it before importing what is measured. Returns the URLs recorded so far, each once.
 */
export function recordLoadedModules(home: string): () => string[] {
  const out = join(home, 'loaded-modules.txt');
  writeFileSync(out, '');
  register(new URL('./module-recorder.mjs', import.meta.url), { data: { out } });
  return () => [...new Set(readFileSync(out, 'utf8').split('\n').filter(Boolean))];
}

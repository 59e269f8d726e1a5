// `npm run bench`: runs every benchmark script in bench/ one after another (never in parallel, so
// they don't disturb each other's figures) and prints their reports.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.spec.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n=== ${script} ===`);
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx/esm', join(dir, script)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    console.log(`(${script} exited with ${result.status})`);
  }
}
process.exitCode = failed ? 1 : 0;

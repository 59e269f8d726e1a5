#!/usr/bin/env node
// Compiles kernel/ and plugins/ to dist/ (what `orch` runs), and with --if-stale only when a source
// changed since the last build. With --ui it also builds the web GUI when ui/dist is missing or older
// than its sources. Used by `npm ci` (prepare), `npm start` and `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledDist, STAMP } from './compiled.mjs';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));

function run(label, command, commandArgs) {
  process.stderr.write(`${label}…\n`);
  const result = spawnSync(command, commandArgs, { cwd: projectRoot, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`orch build: ${label} failed (exit ${result.status ?? result.signal}); see the errors above.\n`);
    process.exit(result.status ?? 1);
  }
}

if (!args.has('--if-stale') || !compiledDist(projectRoot)) {
  const started = Date.now();
  run('Compiling kernel/ and plugins/ to dist/', process.execPath, [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
  mkdirSync(join(projectRoot, 'dist'), { recursive: true });
  // The stamp carries the time the compile began: a source saved during the compile counts as newer.
  writeFileSync(join(projectRoot, STAMP), `${new Date(started).toISOString()}\n`);
  utimesSync(join(projectRoot, STAMP), new Date(started), new Date(started));
}

if (args.has('--ui') && guiIsStale()) run('Building the web GUI (ui/dist and the panels)', 'npm', ['run', '--silent', 'build:ui']);

/** ui/dist missing, or older than a file under ui/src or a plugin's gui/src. */
function guiIsStale() {
  const built = join(projectRoot, 'ui', 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const newer = (folder) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return false;
    }
    return entries.some((e) => (e.isDirectory() ? e.name !== 'node_modules' && e.name !== 'dist' && newer(join(folder, e.name)) : statSync(join(folder, e.name)).mtimeMs > builtAt));
  };
  if (newer(join(projectRoot, 'ui', 'src')) || newer(join(projectRoot, 'ui', 'index.html'))) return true;
  return readdirSync(join(projectRoot, 'plugins')).some((p) => newer(join(projectRoot, 'plugins', p, 'gui', 'src')));
}

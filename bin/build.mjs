#!/usr/bin/env node
// Compiles kernel/, cli/ and plugins/ to dist/ (what `orch` runs), and with --if-stale only when a source
// changed since the last build; bundles the many-module packages every process loads into
// dist/node_modules/ (vendor-bundles.mjs). With --ui it also builds the web GUI when ui/dist is
// missing or older than its sources. Used by `npm ci` (prepare), `npm start` and `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledDist, STAMP } from './compiled.mjs';
import { bundleDependencies, bundlesAreStale } from './vendor-bundles.mjs';

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
  run('Compiling kernel/, cli/ and plugins/ to dist/', process.execPath, [join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
  mkdirSync(join(projectRoot, 'dist'), { recursive: true });
  await bundleDependencies(projectRoot);
  // The stamp carries the time the compile began: a source saved during the compile counts as newer.
  writeFileSync(join(projectRoot, STAMP), `${new Date(started).toISOString()}\n`);
  utimesSync(join(projectRoot, STAMP), new Date(started), new Date(started));
} else if (bundlesAreStale(projectRoot)) {
  // The sources are compiled, but `npm ci` installed other versions (or an older build made no bundles).
  await bundleDependencies(projectRoot);
}

if (args.has('--ui') && guiIsStale()) run('Building the web GUI (ui/dist and the panels)', 'npm', ['run', '--silent', 'build:ui']);

/**
 * A GUI build (ui/dist, or a built-in plugin's gui/dist) that is missing, or older than a file of its
 * sources (src/, index.html, vite.config.*).
 */
function guiIsStale() {
  const builds = [{ dist: join(projectRoot, 'ui', 'dist'), sources: ['src', 'index.html', 'vite.config.ts'].map((f) => join(projectRoot, 'ui', f)) }];
  for (const plugin of readdirSync(join(projectRoot, 'plugins'))) {
    const gui = join(projectRoot, 'plugins', plugin, 'gui');
    if (existsSync(join(gui, 'src'))) {
      builds.push({ dist: join(gui, 'dist'), sources: [join(gui, 'src'), ...readdirSync(gui).filter((f) => f.startsWith('vite.config.')).map((f) => join(gui, f))] });
    }
  }
  return builds.some(({ dist, sources }) => {
    const builtAt = oldestFile(dist);
    return builtAt === undefined || sources.some((source) => newerThan(source, builtAt));
  });
}

/** Modification time of the oldest file in a folder (undefined when it is missing or empty). */
function oldestFile(folder) {
  let oldest;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else oldest = Math.min(oldest ?? Infinity, statSync(path).mtimeMs);
    }
  };
  if (existsSync(folder)) walk(folder);
  return oldest;
}

/** True when the file, or any file below the folder, changed after `time`. */
function newerThan(path, time) {
  if (!existsSync(path)) return false;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs > time;
  return readdirSync(path, { withFileTypes: true }).some((e) => e.name !== 'node_modules' && e.name !== 'dist' && newerThan(join(path, e.name), time));
}

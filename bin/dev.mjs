#!/usr/bin/env node
// `npm run dev`: the Orch server restarted on every change of its code (node --watch on kernel/, cli/,
// plugins/ and bin/) and the Vite dev server of the GUI with hot reload, proxying /api (WebSocket
// events too) and /plugins to the server. One Ctrl-C (or SIGTERM) stops both; if either ends by
// itself, the other is stopped too and the exit code says which failed.
//
//   ORCH_DEV_API_PORT   the server's port (default 7420)
//   ORCH_DEV_UI_PORT    the Vite dev server's port (default 5173)
//   ORCH_DEV_PLUGINS    profiles to load (default business,ops)
//   Other arguments are passed to `orch start` (e.g. npm run dev -- --home /tmp/orch-home).
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const apiPort = Number(process.env.ORCH_DEV_API_PORT ?? 7420);
const uiPort = Number(process.env.ORCH_DEV_UI_PORT ?? 5173);
const profiles = process.env.ORCH_DEV_PLUGINS ?? 'business,ops';
const api = `http://127.0.0.1:${apiPort}`;

let stopping = false;
let exitCode = 0;

const server = spawn(
  process.execPath,
  [
    '--watch-path', join(root, 'kernel'),
    '--watch-path', join(root, 'cli'),
    '--watch-path', join(root, 'plugins'),
    '--watch-path', join(root, 'bin'),
    '--watch-preserve-output',
    join(root, 'bin', 'orch.js'),
    'start', '--plugins', profiles, '--port', String(apiPort),
    ...process.argv.slice(2),
  ],
  // Its own process group: a Ctrl-C reaches it once, from us, and we wait for its graceful stop.
  { cwd: root, stdio: 'inherit', detached: true, env: { ...process.env, ORCH_DEV: '1' } },
);
server.on('exit', (code, signal) => {
  if (!stopping) {
    console.error(`[dev] the Orch server stopped (${signal ?? `exit ${code}`}); stopping the GUI dev server`);
    exitCode = code || 1;
    void stop();
  }
});

const { createServer } = await import('vite');
const vite = await createServer({
  configFile: join(root, 'ui', 'vite.config.ts'),
  server: {
    host: '127.0.0.1',
    port: uiPort,
    strictPort: true,
    proxy: {
      '/api': { target: api, ws: true },
      '/plugins': { target: api },
    },
  },
  plugins: [sharedEntriesInDev()],
});
await vite.listen();
console.log(`[dev] GUI with hot reload: http://127.0.0.1:${uiPort}/  (API and events: ${api}/api, restarted when kernel/, cli/, plugins/ or bin/ change)`);
console.log('[dev] Ctrl-C stops both.');

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop());

async function stop() {
  if (stopping) return;
  stopping = true;
  const serverGone = new Promise((done) => (server.exitCode !== null || server.signalCode !== null ? done() : server.once('exit', done)));
  try {
    // node --watch forwards SIGTERM to the Orch process, which stops gracefully (checkpoints, MCP sessions).
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  const killer = setTimeout(() => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 15_000);
  await Promise.all([vite.close().catch(() => undefined), serverGone]);
  clearTimeout(killer);
  process.exit(exitCode);
}

/**
 * Panel modules (served by the Orch server under /plugins) import React and the SDK through the
 * import map of index.html, which points at /shared/*.js — entries the production build emits. In
 * dev, Vite answers those URLs with the same shared entries (the `orch-shared:` modules of
 * ui/vite.config.ts), so panels and the shell share one React instance.
 */
function sharedEntriesInDev() {
  return {
    name: 'orch-dev-shared-entries',
    apply: 'serve',
    enforce: 'pre',
    resolveId(id) {
      const match = /^\/shared\/([a-z-]+)\.js$/.exec(id.split('?')[0]);
      return match ? this.resolve(`orch-shared:${match[1]}`) : null;
    },
  };
}

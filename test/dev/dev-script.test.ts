import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import WebSocket from 'ws';
import { freePort } from '../support/mcp-peers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const DEV = fileURLToPath(new URL('../../bin/dev.mjs', import.meta.url));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm run dev` (bin/dev.mjs): the server and the Vite dev server from one command, gone after one SIGINT. */
describe('npm run dev: server with watch restart and the Vite dev server', function () {
  this.timeout(120_000);
  let home: TestHome;
  before(async () => {
    home = await createTestHome();
  });
  after(() => home.cleanup());

  it('serves the GUI with hot reload, proxies /api and /plugins, shares React with panels, and stops both on one SIGINT', async () => {
    const [apiPort, uiPort] = [await freePort(), await freePort()];
    let output = '';
    const dev = spawn(process.execPath, [DEV, '--home', home.dir], {
      env: { ...process.env, ORCH_DEV_API_PORT: String(apiPort), ORCH_DEV_UI_PORT: String(uiPort), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    dev.stdout.on('data', (chunk: Buffer) => (output += chunk));
    dev.stderr.on('data', (chunk: Buffer) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => dev.once('exit', (code) => resolve(code)));
    try {
      const ui = `http://127.0.0.1:${uiPort}`;
      const health = await until(
        'the API answered through the Vite proxy',
        async () => {
          const reply = await fetch(`${ui}/api/health`);
          return reply.ok ? ((await reply.json()) as { pid: number; home: string }) : undefined;
        },
        90_000,
      );
      expect(health.home).to.equal(home.dir);
      const page = await (await fetch(`${ui}/`)).text();
      expect(page).to.include('/@vite/client').and.include('/src/main.tsx');
      const shared = await fetch(`${ui}/shared/react.js`);
      expect(shared.status).to.equal(200);
      expect(await shared.text()).to.include('/node_modules/.vite/deps/react.js');
      const first = await new Promise<{ type: string }>((resolve, reject) => {
        const socket = new WebSocket(`ws://127.0.0.1:${uiPort}/api/events`);
        socket.once('message', (data) => {
          resolve(JSON.parse(String(data)) as { type: string });
          socket.close();
        });
        socket.once('error', reject);
      });
      expect(first.type, 'the events WebSocket through the proxy').to.equal('snapshot');
      const panels = await fetch(`${ui}/api/panels`);
      expect(panels.status).to.equal(200);
      const asset = await fetch(`${ui}/plugins/no-such-plugin/x.js`);
      expect(asset.headers.get('x-powered-by') ?? '').not.to.match(/vite/i);
      expect(asset.status).to.equal(404); // answered by the Orch server, not by Vite's index.html fallback

      dev.kill('SIGINT');
      expect(await exited).to.equal(0);
      await until('the server process ended', async () => (alive(health.pid) ? undefined : true), 20_000);
      expect(await access(join(home.dir, 'state', 'server.json')).then(() => true, () => false)).to.equal(false);
      await until('the Vite port closed', async () => ((await fetch(ui).then(() => false, () => true)) ? true : undefined), 10_000);
    } catch (error) {
      (error as Error).message += `\n--- dev output ---\n${output}`;
      throw error;
    } finally {
      if (dev.exitCode === null) dev.kill('SIGKILL');
    }
  });
});

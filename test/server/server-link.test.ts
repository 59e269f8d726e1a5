import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isOrchError, type OrchError } from '../../kernel/index.js';
import { ServerLink, type ServerLink as Link } from '../../plugins/server/api/index.js';
import { createTestHome, type TestHome } from '../support/test-home.js';
import { ECHO_PLUGIN_DIR, readServerFile, startTestServer, type TestServer } from '../support/server-harness.js';

async function rejection(promise: Promise<unknown>): Promise<OrchError> {
  try {
    await promise;
  } catch (error) {
    if (isOrchError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** A pid that certainly belonged to a process and no longer does. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

async function staleFile(home: TestHome, pid: number, port = 9): Promise<void> {
  const location = { pid, host: '127.0.0.1', port, baseUrl: `http://127.0.0.1:${port}`, startedAt: '2026-01-01T00:00:00.000Z', home: home.dir, kernelVersion: '0.1.0' };
  await writeFile(join(home.dir, 'state', 'server.json'), `${JSON.stringify(location)}\n`);
}

describe('server: ServerLink and state/server.json', function () {
  this.timeout(60_000);
  let home: TestHome;
  let server: TestServer | undefined;
  let link: Link;

  beforeEach(async () => {
    home = await createTestHome();
    await home.writeConfig('orch.json', { server: { port: 0 }, plugins: { packages: [ECHO_PLUGIN_DIR] } });
    const cli = await home.boot({ role: 'cli', plugins: ['core'] });
    await cli.start();
    link = cli.get<Link>(ServerLink);
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await home.cleanup();
  });

  it('finds no server without state/server.json and says so, pointing at the server and the MCP servers', async () => {
    expect(await link.locate()).to.equal(undefined);
    const error = await rejection(link.request('GET', '/health'));
    expect(error.code).to.equal('unavailable');
    expect(error.message).to.contain(`No Orch server is running for ${home.dir}`).and.contain('MCP servers');
  });

  it('calls a live server with the operator and client headers and maps error replies to OrchError', async () => {
    server = await startTestServer({ home });
    const location = await link.locate();
    expect(location).to.deep.equal(server.location);

    const echoed = await link.request<{ operator: string; client: string; body: unknown }>('POST', '/echo/abc', { name: 'Ada' });
    expect(echoed).to.include({ operator: 'tester', client: 'cli' });

    const conflict = await rejection(link.request('GET', '/fail/conflict'));
    expect(conflict.code).to.equal('conflict');
    expect(conflict.message).to.equal('failed on purpose with conflict');
    expect(conflict.details?.issues).to.deep.equal([{ path: 'x', message: 'y' }]);

    const invalid = await rejection(link.request('POST', '/echo/ABC', { name: '' }));
    expect(invalid.code).to.equal('invalid_input');
    expect(invalid.details?.issues?.map((i) => i.path)).to.deep.equal(['params.id', 'body.name']);

    const missing = await rejection(link.request('GET', '/nope'));
    expect(missing.code).to.equal('not_found');
    expect(await link.request('DELETE', '/nothing')).to.equal(undefined);
  });

  it('removes server.json on a graceful stop; a server that vanished after being located is "unavailable"', async () => {
    server = await startTestServer({ home });
    expect(await link.locate()).not.to.equal(undefined);
    await server.stop();
    server = undefined;
    expect(await readServerFile(home.dir)).to.equal(undefined);
    const error = await rejection(link.request('GET', '/health'));
    expect(error.code).to.equal('unavailable');
    expect(error.message).to.match(/Cannot reach the Orch server at http:\/\/127\.0\.0\.1:\d+/).and.contain('ECONNREFUSED').and.contain('MCP servers');
    expect(await link.locate()).to.equal(undefined);
  });

  it('treats a file left by a dead process as stale and replaces it on start', async () => {
    const pid = await deadPid();
    await staleFile(home, pid);
    expect(await link.locate()).to.equal(undefined);
    server = await startTestServer({ home });
    expect(server.location.pid).to.equal(process.pid);
    const log = await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8');
    expect(log).to.contain(`Replacing a stale`).and.contain(`process ${pid} is no longer running`);
  });

  it('refuses to start while the recorded process runs, whether it answers or not', async () => {
    server = await startTestServer({ home });
    const second = await home.boot({ role: 'server', plugins: ['core'] });
    await second.start();
    const entry = second.plugins().find((p) => p.id === 'server')!;
    expect(entry.status).to.equal('failed');
    expect(entry.reason).to.contain('An Orch server is already running').and.contain(`pid ${process.pid}`);
    await second.stop();
    // The refused server must not have touched the live one's file.
    expect(await readServerFile(home.dir)).to.deep.equal(server.location);
    await server.stop();
    server = undefined;

    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      await staleFile(home, sleeper.pid!);
      const third = await home.boot({ role: 'server', plugins: ['core'] });
      await third.start();
      const refused = third.plugins().find((p) => p.id === 'server')!;
      expect(refused.status).to.equal('failed');
      expect(refused.reason).to.contain(`pid ${sleeper.pid}, which still runs but does not answer`).and.contain('delete');
      await third.stop();
    } finally {
      sleeper.kill();
    }
  });

  it('reports a port already in use with the setting to change', async () => {
    server = await startTestServer({ home });
    const other = await createTestHome();
    try {
      await other.writeConfig('orch.json', { server: { port: server.location.port } });
      const kernel = await other.boot({ role: 'server', plugins: ['core'] });
      await kernel.start();
      const entry = kernel.plugins().find((p) => p.id === 'server')!;
      expect(entry.status).to.equal('failed');
      expect(entry.reason).to.contain(`Port ${server.location.port} on 127.0.0.1 is already in use`).and.contain('server.port');
      expect(await readServerFile(other.dir)).to.equal(undefined);
    } finally {
      await other.cleanup();
    }
  });
});

import { expect } from 'chai';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServerStatusSchema } from '../../plugins/server/api/index.js';
import { readServerFile } from '../support/server-harness.js';
import { callApi } from '../support/server-harness.js';
import { noopTask, RUN_PACKAGES, RUN_PLUGINS } from '../support/server-load-plan.js';
import { descendantsOf, isRunning, OrchProcess, runOrch } from '../support/server-process.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const bundledMcpConfig = fileURLToPath(new URL('../../config/mcp.servers.json', import.meta.url));

/** Bounded wait for a condition that needs the OS to catch up (a reparented child noticing EOF). */
async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('server: orch start, orch status and graceful shutdown (child processes)', function () {
  this.timeout(240_000);
  let home: TestHome;
  const started: OrchProcess[] = [];
  beforeEach(async () => {
    home = await createTestHome();
  });
  afterEach(async () => {
    for (const orch of started.splice(0)) await orch.kill();
    await home.cleanup();
  });

  it('status works on the files without a server, through REST with one, and a second start is refused', async () => {
    await home.writeConfig('orch.json', { server: { port: 0 } });
    const direct = await runOrch(['status', '--home', home.dir, '--plugins', 'core']);
    expect(direct.code, direct.stderr).to.equal(0);
    expect(direct.stdout).to.contain('Server     down — no server has been started for this home').and.contain('(no Orch server running — working on the files directly)');

    const orch = OrchProcess.start(home.dir, ['--plugins', 'core']);
    started.push(orch);
    const location = await orch.ready(home.dir);
    expect(location.host).to.equal('127.0.0.1');
    await eventually(async () => orch.stderr.includes(`Listening on ${location.baseUrl} — REST ${location.baseUrl}/api`), 'the URL on stderr');

    const viaServer = await runOrch(['status', '--home', home.dir, '--plugins', 'core', '--json']);
    expect(viaServer.code, viaServer.stderr).to.equal(0);
    const status = ServerStatusSchema.parse(JSON.parse(viaServer.stdout));
    expect(status.source).to.equal('server');
    expect(status.server).to.include({ state: 'up', pid: orch.pid, port: location.port });

    const second = await runOrch(['start', '--home', home.dir, '--plugins', 'core', '--port', '0']);
    expect(second.code).to.equal(1);
    expect(second.stderr).to.contain(`an Orch server is already running for ${home.dir}: pid ${orch.pid} at ${location.baseUrl}`);
    expect(await readServerFile(home.dir)).to.deep.equal(location);

    // A server killed without a chance to clean up leaves a stale file: status says so, start replaces it.
    orch.child.kill('SIGKILL');
    await orch.exited;
    const afterCrash = await runOrch(['status', '--home', home.dir, '--plugins', 'core']);
    expect(afterCrash.stdout).to.contain(`the last server is gone: process ${orch.pid} is no longer running`);
    const again = OrchProcess.start(home.dir, ['--plugins', 'core']);
    started.push(again);
    const replaced = await again.ready(home.dir);
    expect(replaced.pid).to.equal(again.pid);
    again.child.kill('SIGTERM');
    expect(await again.exited).to.equal(0);
  });

  it('on SIGTERM closes clients, removes state/server.json, exits 0 and leaves no process behind', async () => {
    await home.writeConfig('orch.json', { server: { port: 0 } });
    await copyFile(bundledMcpConfig, join(home.dir, 'config', 'mcp.servers.json'));
    const orch = OrchProcess.start(home.dir, ['--plugins', 'business']);
    started.push(orch);
    const location = await orch.ready(home.dir);
    // Wait for the MCP bridge to hold its stdio child, so shutdown has a real child process to close.
    await eventually(
      async () => (await descendantsOf(orch.pid)).some((p) => p.command.includes('mcp-sample-server')),
      'the sample MCP server to be spawned',
    );
    const health = await fetch(`${location.baseUrl}/api/health`);
    expect(health.status).to.equal(200);
    const family = await descendantsOf(orch.pid);

    orch.child.kill('SIGTERM');
    expect(await orch.exited, orch.stderr).to.equal(0);
    expect(orch.stderr).to.contain('Orch stopped.');
    expect(await readServerFile(home.dir)).to.equal(undefined);
    for (const member of family) {
      await eventually(async () => !(await isRunning(member.pid)), `${member.command} (pid ${member.pid}) to end`);
    }
    const log = await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8');
    expect(log).to.contain('Received SIGTERM').and.contain('Server stopped');
    await fetch(`${location.baseUrl}/api/health`).then(
      () => expect.fail('the server still answers'),
      () => undefined,
    );
  });

  it('a run in flight at SIGTERM stops cleanly and the next orch start finishes it', async () => {
    await home.writeConfig('orch.json', { server: { port: 0 }, plugins: { packages: RUN_PACKAGES } });
    const plugins = ['--plugins', RUN_PLUGINS.join(',')];
    const first = OrchProcess.start(home.dir, plugins);
    started.push(first);
    let location = await first.ready(home.dir);
    const plan = {
      id: 'interrupted',
      name: 'Interrupted plan',
      goal: 'be stopped in the middle',
      root: { id: 'main', type: 'sequence', children: [noopTask('a'), noopTask('b', 'sleep', { ms: 4000 }), noopTask('c')] },
    };
    const startedRun = await callApi(location.baseUrl, 'POST', '/api/runs', { body: { document: plan } });
    expect(startedRun.status, startedRun.text).to.equal(201);
    const runId: string = startedRun.body.run.runId;
    await eventually(async () => (await callApi(location.baseUrl, 'GET', `/api/runs/${runId}`)).body.run.nodes.b?.status === 'running', 'node b to run');

    first.child.kill('SIGTERM');
    expect(await first.exited, first.stderr).to.equal(0);
    expect(await readServerFile(home.dir)).to.equal(undefined);

    const second = OrchProcess.start(home.dir, plugins);
    started.push(second);
    location = await second.ready(home.dir);
    await eventually(async () => (await callApi(location.baseUrl, 'GET', `/api/runs/${runId}`)).body.run.status === 'completed', 'the run to complete after the restart', 60_000);
    const record = (await callApi(location.baseUrl, 'GET', `/api/runs/${runId}`)).body.run;
    expect(record.nodes.c.status).to.equal('succeeded');
    second.child.kill('SIGTERM');
    expect(await second.exited).to.equal(0);
  });
});

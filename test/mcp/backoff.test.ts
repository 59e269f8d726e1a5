import { expect } from 'chai';
import { type OrchEvent } from '../../kernel/index.js';
import { McpBridge, type McpBridge as Bridge } from '../../plugins/mcp-bridge/api/index.js';
import { EventLog, freePort, httpAlias } from '../support/mcp-peers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';
import { rejection } from '../support/rejection.js';

describe('mcp: reconnection backoff and connection failures', function () {
  this.timeout(60_000);
  let home: TestHome;
  afterEach(() => home?.cleanup());

  it('retries after 5, 10, 20, 40, 60, 60 s — scaled down 100 times', async () => {
    const port = await freePort(); // nobody listens there
    home = await createTestHome({
      'mcp.servers.json': { away: httpAlias(`http://127.0.0.1:${port}/mcp`, { reconnect: { initialMs: 50, factor: 2, maxMs: 600 } }) },
    });
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    const bridge = kernel.get<Bridge>(McpBridge);
    const log = new EventLog(kernel.bus);
    const first = await rejection(bridge.connect('away'));
    expect(first.code).to.equal('unavailable');
    expect(first.message).to.match(
      /^MCP server away is not connected — check that it is running; (next retry in [01] s|a reconnection attempt is under way)\. Last error: fetch failed \(.*ECONNREFUSED.*\)$/,
    );

    await log.waitFor(() => log.of('bridge.state-change', 'away').filter((e) => e.state === 'reconnecting').length >= 6, 'six scheduled retries');
    await bridge.close();
    const retries = log.of('bridge.state-change', 'away').filter((e) => e.state === 'reconnecting').slice(0, 6);
    expect(retries.map((e) => e.attempt)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    // The wait announced with each retry (nextRetryAt − announcement), to the nearest 50 ms.
    const waits = retries.map((e) => Math.round((Date.parse(e.nextRetryAt!) - Date.parse(e.time)) / 50) * 50);
    expect(waits).to.deep.equal([50, 100, 200, 400, 600, 600]);
    // And each attempt really waited at least that long (timers never fire early; 2 ms for clock rounding).
    const changes = log.of('bridge.state-change', 'away');
    for (const retry of retries) {
      const next = changes[changes.indexOf(retry) + 1] as Extract<OrchEvent, { type: 'bridge.state-change' }> | undefined;
      if (!next || next.error === 'the bridge stopped') continue;
      expect(Date.parse(next.time) - Date.parse(retry.time)).to.be.at.least(Date.parse(retry.nextRetryAt!) - Date.parse(retry.time) - 2);
    }
    expect(log.states('away').slice(0, 5)).to.deep.equal(['connecting', 'disconnected', 'reconnecting', 'disconnected', 'reconnecting']);
  });

  it('connect() on an alias waiting to reconnect tries at once (the Retry button)', async () => {
    const port = await freePort();
    home = await createTestHome({
      'mcp.servers.json': { away: httpAlias(`http://127.0.0.1:${port}/mcp`, { reconnect: { initialMs: 100_000, factor: 2, maxMs: 600_000 } }) },
    });
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    const bridge = kernel.get<Bridge>(McpBridge);
    await rejection(bridge.connect('away'));
    expect(bridge.status()[0]).to.include({ state: 'reconnecting', attempt: 1 });
    const again = await rejection(bridge.connect('away'));
    // Tried at once (no 100 s wait), failed again, so the next retry is attempt 2: 100 s × 2.
    expect(again.message).to.match(/next retry in (199|200) s/);
    expect(bridge.status()[0]).to.include({ state: 'reconnecting', attempt: 2 });
  });

  it('explains a stdio server that cannot start or dies at once', async () => {
    home = await createTestHome({
      'mcp.servers.json': {
        missing: { transport: 'stdio', command: '/nonexistent/mcp-server' },
        crashing: { transport: 'stdio', command: 'node', args: ['-e', 'console.error("boom: no config"); process.exit(3)'] },
        env: { transport: 'http', url: 'http://127.0.0.1:1/mcp', headers: { authorization: 'Bearer ${env:ORCH_TEST_UNSET_TOKEN}' } },
      },
    });
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    const bridge = kernel.get<Bridge>(McpBridge);
    const missing = await rejection(bridge.listTools('missing'));
    expect(missing.message).to.contain('Last error: could not start /nonexistent/mcp-server: spawn /nonexistent/mcp-server ENOENT');
    const crashing = await rejection(bridge.listTools('crashing'));
    expect(crashing.message).to.contain('Last error: the server process exited with code 3; its last output: boom: no config');
    const env = await rejection(bridge.listTools('env'));
    expect(env.message).to.match(/Last error: .*mcp\.servers\.json: env\.headers\.authorization needs the environment variable ORCH_TEST_UNSET_TOKEN, which is not set$/);
  });

  it('fails the plugin, not the process, on a malformed config file — naming file and field', async () => {
    home = await createTestHome({ 'mcp.servers.json': { sample: { transport: 'stdio', command: 'node', reconnect: { factor: 0.5 } } } });
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    const entry = kernel.plugins().find((p) => p.id === 'mcp-bridge')!;
    expect(entry.status).to.equal('failed');
    expect(entry.reason).to.match(/config\/mcp\.servers\.json is invalid: sample\.reconnect\.factor: /);
    const bridge = kernel.get<Bridge>(McpBridge);
    const error = await rejection(bridge.listTools('sample'));
    expect(error.message).to.match(/^The MCP bridge cannot start: .*sample\.reconnect\.factor/);
  });
});

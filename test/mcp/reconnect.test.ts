import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from '../../kernel/index.js';
import { McpBridge, McpSessionsFileSchema, type McpBridge as Bridge } from '../../plugins/mcp-bridge/api/index.js';
import { isLegalTransition } from '../../plugins/mcp-bridge/bridge-state-machine.js';
import { SessionsFile } from '../../plugins/mcp-bridge/sessions-file.js';
import { EventLog, freePort, httpAlias, sampleStdio, startHttpPeer, stopAllPeers, waitUntilGone, type HttpPeer } from '../support/mcp-peers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';
import { rejection } from '../support/rejection.js';

/** Fast settings so a test sees several reconnection cycles quickly. */
const FAST = { heartbeatMs: 1000, connectTimeoutMs: 3000, reconnect: { initialMs: 100, factor: 2, maxMs: 400 } };

function expectLegalOrder(states: string[], from?: string): void {
  let previous = from;
  for (const state of states) {
    expect(isLegalTransition(previous as never, state as never), `${previous ?? '(none)'} → ${state} in ${states.join(' → ')}`).to.equal(true);
    previous = state;
  }
}

describe('mcp: disconnect and reconnect against real servers', function () {
  this.timeout(90_000);
  let home: TestHome;
  afterEach(async () => {
    await home?.cleanup();
    await stopAllPeers();
  });

  it('Streamable HTTP: SIGKILL and restart on the same port → disconnected, reconnecting, connected; pending calls fail cleanly', async () => {
    let peer: HttpPeer = await startHttpPeer('sample');
    home = await createTestHome({ 'mcp.servers.json': { web: httpAlias(peer.url, FAST) } });
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    const bridge = kernel.get<Bridge>(McpBridge);
    await bridge.connect('web');
    const log = new EventLog(kernel.bus);
    const firstSession = bridge.status()[0]!.sessionId;
    expect(firstSession).to.be.a('string');

    // A call in flight when the server dies.
    let progressed!: () => void;
    const started = new Promise<void>((resolve) => (progressed = resolve));
    const pending = bridge.invokeTool({ alias: 'web', tool: 'countdown', args: { seconds: 60, steps: 600 }, onProgress: () => progressed() });
    await started;
    await peer.kill('SIGKILL');

    const failure = await rejection(pending);
    expect(failure.code).to.equal('unavailable');
    expect(failure.message).to.match(/^MCP server web disconnected during the call to countdown \(.+\) — check that it is running; /);
    await log.waitFor(() => log.states('web').includes('reconnecting'), 'reconnecting');

    // While it is down, operations are refused with the documented message.
    const refused = await rejection(bridge.invokeTool({ alias: 'web', tool: 'hash_text', args: { text: 'x' } }));
    expect(refused.code).to.equal('unavailable');
    expect(refused.message).to.match(/^MCP server web is not connected — check that it is running; (next retry in \d+ s|a reconnection attempt is under way)/);

    peer = await startHttpPeer('sample', peer.port);
    await log.waitFor(() => log.states('web').at(-1) === 'connected', 'connected again');

    const states = log.states('web');
    expect(states.slice(0, 2)).to.deep.equal(['disconnected', 'reconnecting']);
    expectLegalOrder(states, 'connected');
    const reconnected = log.events.findIndex((e) => e.type === 'bridge.state-change' && e.state === 'connected');
    const relisted = log.events.findIndex((e) => e.type === 'bridge.tools-changed' && e.alias === 'web');
    expect(relisted, 'tools listed again after reconnecting').to.be.greaterThan(reconnected);
    expect(log.of('bridge.tools-changed', 'web')[0]!.tools).to.include('countdown');
    expect(bridge.status()[0]!.sessionId).to.be.a('string').and.not.equal(firstSession);

    const result = await bridge.invokeTool({ alias: 'web', tool: 'hash_text', args: { text: 'abc' } });
    expect(result.isError).to.equal(false);

    // Every recorded call appears once: the failed one, the refused one, the one after reconnecting.
    const calls = log.of('tool.invoked', 'web').map((e) => `${e.tool}:${e.outcome}`);
    expect(calls).to.deep.equal(['countdown:error', 'hash_text:error', 'hash_text:ok']);
  });

  it('stdio: a killed server process is replaced by a fresh one', async () => {
    home = await createTestHome({ 'mcp.servers.json': { sample: sampleStdio(FAST) } });
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    const bridge = kernel.get<Bridge>(McpBridge);
    await bridge.connect('sample');
    const log = new EventLog(kernel.bus);
    const firstPid = bridge.status()[0]!.pid!;
    process.kill(firstPid, 'SIGKILL');
    await log.waitFor(() => log.states('sample').at(-1) === 'connected', 'a fresh connection');
    expect(log.states('sample')).to.deep.equal(['disconnected', 'reconnecting', 'connected']);
    const lost = log.of('bridge.state-change', 'sample')[0]!;
    expect(lost.error).to.match(/^the server process was killed by SIGKILL; its last output: orch-sample MCP server/);
    const secondPid = bridge.status()[0]!.pid!;
    expect(secondPid).to.not.equal(firstPid);
    await kernel.stop();
    expect(isAlive(secondPid)).to.equal(false);
  });

  it('server role: connects every alias at start without blocking on a dead one, records sessions, and logs the required one loudly', async () => {
    const deadPort = await freePort();
    home = await createTestHome({
      'mcp.servers.json': {
        sample: sampleStdio(FAST),
        gone: httpAlias(`http://127.0.0.1:${deadPort}/mcp`, { ...FAST, required: true }),
      },
    });
    const kernel = await home.boot({ only: ['mcp-bridge'], role: 'server', port: 0 });
    const log = new EventLog(kernel.bus);
    await kernel.start();
    const bridge = kernel.get<Bridge>(McpBridge);
    expect(bridge.status().find((s) => s.alias === 'sample')!.state).to.equal('connected');
    expect(['disconnected', 'reconnecting']).to.include(bridge.status().find((s) => s.alias === 'gone')!.state);
    expect(log.states('gone').slice(0, 3)).to.deep.equal(['connecting', 'disconnected', 'reconnecting']);

    await kernel.container.get(SessionsFile).settled();
    const readSessions = async () => McpSessionsFileSchema.parse(JSON.parse(await readFile(join(home.dir, 'state', 'mcp-sessions.json'), 'utf8')));
    const running = await readSessions();
    expect(running.aliases.sample).to.deep.include({ state: 'connected', transport: 'stdio', attempt: 0, ownerPid: process.pid });
    expect(running.aliases.sample!.tools).to.deep.equal(['text_stats', 'json_transform', 'hash_text', 'countdown']);
    expect(running.aliases.sample!.pid).to.be.a('number');
    expect(running.aliases.sample!.lastConnectedAt).to.be.a('string');
    expect(running.aliases.gone).to.deep.include({ transport: 'http', required: true });
    expect(running.aliases.gone!.lastError).to.match(/fetch failed|ECONNREFUSED/);

    const pid = bridge.status().find((s) => s.alias === 'sample')!.pid!;
    await kernel.stop();
    expect(await waitUntilGone(pid, 1)).to.equal(true);
    const stopped = await readSessions();
    expect(stopped.aliases.sample).to.deep.include({ state: 'disconnected', tools: [] });
    expect(stopped.aliases.gone!.state).to.equal('disconnected');

    const lines = (await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const loud = lines.find((l) => String(l.msg).startsWith('Required MCP server gone could not be reached'));
    expect(loud, 'a required alias that cannot be reached is an error line').to.include({ level: 'error' });
    expect(String(loud!.msg)).to.contain('check that it is running');
  });
});

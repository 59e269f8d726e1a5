import { expect } from 'chai';
import { OrchEventSchema } from '../support/event-schemas.js';
import { httpAlias, startHttpPeer, stopAllPeers, type HttpPeer } from '../support/mcp-peers.js';
import { callApi, EventClient, startTestServer, type TestServer } from '../support/server-harness.js';
import { createTestHome } from '../support/test-home.js';

/** Fast settings so the server notices the death and the return of the MCP server quickly. */
const FAST = { heartbeatMs: 500, connectTimeoutMs: 3000, reconnect: { initialMs: 100, factor: 2, maxMs: 400 } };

describe('server: bridge events over WebSocket with a real MCP server', function () {
  this.timeout(90_000);
  let server: TestServer | undefined;
  const clients: EventClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server?.stop();
    await server?.home.cleanup();
    server = undefined;
    await stopAllPeers();
  });

  it('shows the connected alias in the snapshot, then disconnect and reconnect in order, and the state in /api/status', async () => {
    let peer: HttpPeer = await startHttpPeer('sample');
    const home = await createTestHome({ 'mcp.servers.json': { web: httpAlias(peer.url, FAST) } });
    server = await startTestServer({ home, packages: [], plugins: ['core', 'mcp-bridge'] });

    const watcher = await EventClient.connect(server.wsUrl, { topics: 'bridge' });
    clients.push(watcher);
    const snapshot = await watcher.waitFor((m) => m.type === 'snapshot', 'the snapshot');
    expect(snapshot.bridges).to.have.length(1);
    expect(snapshot.bridges[0]).to.include({ alias: 'web', state: 'connected', transport: 'http' });
    expect(snapshot.bridges[0].tools).to.be.greaterThan(0);

    await peer.kill('SIGKILL');
    await watcher.waitFor((m) => m.type === 'bridge.state-change' && m.state === 'reconnecting', 'reconnecting');
    const status = await callApi(server.baseUrl, 'GET', '/api/status');
    expect(status.body.bridges[0].state).not.to.equal('connected'); // the peer is still down

    peer = await startHttpPeer('sample', peer.port);
    await watcher.waitFor((m) => m.type === 'bridge.state-change' && m.state === 'connected', 'connected again');

    const events = watcher.events();
    for (const event of events) OrchEventSchema.parse(event);
    expect(events.every((e) => e.type.startsWith('bridge.'))).to.equal(true);
    const changes = events.filter((e) => e.type === 'bridge.state-change');
    // Each change starts where the previous one ended, beginning from the snapshot's state.
    let previous = 'connected';
    for (const change of changes) {
      expect(change.previous, `${change.previous} → ${change.state}`).to.equal(previous);
      previous = change.state;
    }
    expect(changes[0].state).to.equal('disconnected');
    expect(changes.at(-1).state).to.equal('connected');
    const seqs = events.map((e) => e.seq);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
  });
});

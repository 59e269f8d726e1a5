import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { EventBus, type EventBus as Bus } from '../../kernel/index.js';
import { RunEvents } from '../../plugins/executor/api/index.js';
import { BridgeEvents } from '../../plugins/mcp-bridge/api/index.js';
import { OrchEventSchema } from '../support/event-schemas.js';
import { SnapshotMessageSchema } from '../../plugins/server/api/index.js';
import { callApi, EventClient, startTestServer, type TestServer } from '../support/server-harness.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('server: WebSocket events', function () {
  this.timeout(60_000);
  let server: TestServer;
  let bus: Bus;
  const clients: EventClient[] = [];
  const connect = async (options?: Parameters<typeof EventClient.connect>[1]): Promise<EventClient> => {
    const client = await EventClient.connect(server.wsUrl, options);
    clients.push(client);
    return client;
  };

  before(async () => {
    // Run, node and bridge events as the executor and the bridge contribute them (those plugins are not loaded).
    server = await startTestServer({ server: { heartbeatMs: 150, clientHeartbeatMs: 200, maxClientBufferBytes: 512 * 1024 }, events: { ...RunEvents, ...BridgeEvents } });
    bus = server.kernel.get<Bus>(EventBus);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  after(async () => {
    await server?.stop();
    await server?.home.cleanup();
  });

  it('sends a snapshot first, then every event unchanged and in bus order', async () => {
    const client = await connect();
    const snapshot = await client.waitFor((m) => m.type === 'snapshot', 'the snapshot');
    expect(client.messages[0]).to.equal(snapshot);
    SnapshotMessageSchema.parse(snapshot);
    expect(snapshot).to.include({ bridges: null, runs: null, approvals: null, topics: null });

    const published = [
      bus.publish({ type: 'run.started', runId: 'r1', planId: 'p', planVersion: 1, operator: 'ada' }),
      bus.publish({ type: 'node.started', runId: 'r1', nodeId: 'a', attempt: 1 }),
      bus.publish({ type: 'bridge.state-change', alias: 'sample', state: 'connected', previous: 'connecting' }),
      bus.publish({ type: 'node.succeeded', runId: 'r1', nodeId: 'a', durationMs: 3 }),
      bus.publish({ type: 'run.completed', runId: 'r1', planId: 'p', planVersion: 1 }),
    ];
    await client.waitFor((m) => m.type === 'run.completed', 'run.completed');
    expect(client.events()).to.deep.equal(published);
    for (const event of client.events()) OrchEventSchema.parse(event);
    expect(snapshot.lastSeq).to.be.lessThan(published[0]!.seq);
  });

  it('a client that reconnects with ?since and the instance misses no event; another instance or an unknown one starts afresh', async () => {
    const first = await connect({ topics: 'run' });
    const snapshot = await first.waitFor((m) => m.type === 'snapshot', 'the snapshot');
    expect(snapshot.replay).to.equal('none');
    bus.publish({ type: 'run.started', runId: 'c1', planId: 'p', planVersion: 1, operator: 'ada' });
    const seen = await first.waitFor((m) => m.type === 'run.started' && m.runId === 'c1', 'the first event');
    first.close();
    // Published while the client is away, including events of other topics it did not ask for.
    const missed = [
      bus.publish({ type: 'node.started', runId: 'c1', nodeId: 'a', attempt: 1 }),
      bus.publish({ type: 'run.waiting', runId: 'c1', planId: 'p', reason: 'approval' }),
      bus.publish({ type: 'run.completed', runId: 'c1', planId: 'p', planVersion: 1 }),
    ];
    const again = await connect({ topics: 'run', since: seen.seq, instance: snapshot.instance.id });
    const resumed = await again.waitFor((m) => m.type === 'snapshot', 'the second snapshot');
    expect(resumed.replay).to.equal('events');
    const live = bus.publish({ type: 'run.started', runId: 'c2', planId: 'p', planVersion: 1 });
    await again.waitFor((m) => m.type === 'run.started' && m.runId === 'c2', 'the live event');
    expect(again.events()).to.deep.equal([missed[1], missed[2], live]);

    const other = await connect({ since: seen.seq, instance: 'another-server' });
    expect((await other.waitFor((m) => m.type === 'snapshot', 'snapshot')).replay).to.equal('none');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(other.events()).to.deep.equal([]);
    const refused = await EventClient.connect(server.wsUrl, { since: -1 as number }).then(
      () => undefined,
      (error: { status?: number }) => error,
    );
    expect(refused?.status).to.equal(400);
  });

  it('sends an application heartbeat with the last seq', async () => {
    const client = await connect();
    const beat = await client.waitFor((m) => m.type === 'heartbeat', 'a heartbeat', 5_000);
    expect(beat.lastSeq).to.be.a('number');
    expect(beat.time).to.be.a('string');
  });

  it('filters by topic or exact type, and refuses an unknown topic with 400 naming it', async () => {
    const runs = await connect({ topics: 'run,bridge' });
    const exact = await connect({ topics: 'node.succeeded' });
    await runs.waitFor((m) => m.type === 'snapshot', 'snapshot');
    await exact.waitFor((m) => m.type === 'snapshot', 'snapshot');
    expect(runs.messages[0].topics).to.deep.equal(['run', 'bridge']);
    bus.publish({ type: 'node.started', runId: 'r2', nodeId: 'a', attempt: 1 });
    bus.publish({ type: 'node.succeeded', runId: 'r2', nodeId: 'a', durationMs: 1 });
    bus.publish({ type: 'bridge.tools-changed', alias: 'sample', tools: ['echo'] });
    bus.publish({ type: 'run.failed', runId: 'r2', planId: 'p', error: 'x' });
    await runs.waitFor((m) => m.type === 'run.failed', 'run.failed');
    await exact.waitFor((m) => m.type === 'node.succeeded', 'node.succeeded');
    expect(runs.events().map((e) => e.type)).to.deep.equal(['bridge.tools-changed', 'run.failed']);
    expect(exact.events().map((e) => e.type)).to.deep.equal(['node.succeeded']);

    const refused = await EventClient.connect(server.wsUrl, { topics: 'run,weather' }).then(
      () => undefined,
      (error: { status?: number; body?: string }) => error,
    );
    expect(refused?.status).to.equal(400);
    const body = JSON.parse(refused!.body!);
    expect(body.error.code).to.equal('invalid_input');
    expect(body.error.message).to.contain('"weather"').and.contain('run');
    expect(body.error.details.issues[0].path).to.equal('query.topics');
  });

  it('refuses WebSocket connections from web pages of other sites with 403', async () => {
    const refused = await new Promise<number | undefined>((resolve) => {
      const ws = new WebSocket(server.wsUrl, { origin: 'https://evil.example' });
      ws.once('open', () => {
        ws.terminate();
        resolve(undefined);
      });
      ws.once('unexpected-response', (_request, response) => resolve(response.statusCode));
      ws.once('error', () => resolve(-1));
    });
    expect(refused).to.equal(403);
  });

  it('refuses WebSocket upgrades on other paths with 404', async () => {
    const refused = await EventClient.connect(server.wsUrl.replace('/api/events', '/api/elsewhere')).then(
      () => undefined,
      (error: { status?: number }) => error,
    );
    expect(refused?.status).to.equal(404);
  });

  it('keeps clients that answer pings and drops one that does not', async () => {
    const healthy = await connect();
    const silent = await connect({ autoPong: false });
    const closed = await silent.waitForClose();
    expect(closed.code).to.equal(1006); // terminated, no close frame
    // The healthy client lived through the same heartbeats and still receives events.
    const event = bus.publish({ type: 'agent.registered', name: 'summarizer' });
    await healthy.waitFor((m) => m.seq === event.seq, 'the event after the heartbeats');
    expect(healthy.closed).to.equal(undefined);
    const log = await readFile(join(server.home.dir, 'logs', 'app.jsonl'), 'utf8');
    expect(log).to.contain('did not answer the last ping');
  });

  it('drops a client that stops reading instead of holding events for it, while others get every event', async () => {
    // A server of its own with a slow heartbeat, so only the buffer limit can drop the stalled client.
    const own = await startTestServer({ server: { heartbeatMs: 600_000, maxClientBufferBytes: 512 * 1024 }, events: { ...RunEvents, ...BridgeEvents } });
    try {
      const ownBus = own.kernel.get<Bus>(EventBus);
      const reader = await EventClient.connect(own.wsUrl, { topics: 'node' });
      const stalled = await EventClient.connect(own.wsUrl, { topics: 'node' });
      clients.push(reader, stalled);
      await stalled.waitFor((m) => m.type === 'snapshot', 'snapshot');
      await reader.waitFor((m) => m.type === 'snapshot', 'snapshot');
      (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const padding = 'x'.repeat(32 * 1024);
      const seqs: number[] = [];
      // 40 MB in 32 KB events, yielding so the reading client can keep up; far beyond the socket buffers.
      for (let i = 0; i < 1280; i++) {
        seqs.push(ownBus.publish({ type: 'node.progress', runId: 'r3', nodeId: 'big', progress: i, message: padding }).seq);
        await tick();
      }
      await reader.waitFor((m) => m.seq === seqs.at(-1), 'the last big event');
      expect(reader.events().filter((e) => e.runId === 'r3').map((e) => e.seq)).to.deep.equal(seqs);
      (stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      await stalled.waitForClose();
      expect(stalled.events().filter((e) => e.runId === 'r3').length).to.be.lessThan(seqs.length);
      const log = await readFile(join(own.home.dir, 'logs', 'app.jsonl'), 'utf8');
      expect(log).to.contain('is not reading');
    } finally {
      await own.stop();
      await own.home.cleanup();
    }
  });

  it('delivers events published through the API to a subscribed client', async () => {
    const client = await connect({ topics: 'node.progress' });
    await client.waitFor((m) => m.type === 'snapshot', 'snapshot');
    const reply = await callApi(server.baseUrl, 'POST', '/api/publish', { body: { runId: 'r4', count: 500 } });
    expect(reply.body).to.deep.equal({ published: 500 });
    await client.waitFor((m) => m.runId === 'r4' && m.progress === 499, 'the 500th event');
    expect(client.events().filter((e) => e.runId === 'r4').map((e) => e.progress)).to.deep.equal([...Array(500).keys()]);
  });
});

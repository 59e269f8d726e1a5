import { expect } from 'chai';
import { OrchEventSchema } from '../support/event-schemas.js';
import { createTestHome } from '../support/test-home.js';
import { callApi, EventClient, startTestServer, type TestServer } from '../support/server-harness.js';
import { loadPlan, noopTask as task, RUN_PACKAGES, RUN_PLUGINS } from '../support/server-load-plan.js';

describe('server: runs through the API with the real executor and approvals', function () {
  this.timeout(300_000);
  let server: TestServer;
  const clients: EventClient[] = [];

  before(async () => {
    const home = await createTestHome();
    server = await startTestServer({
      home,
      packages: RUN_PACKAGES,
      plugins: RUN_PLUGINS,
    });
    const broken = server.kernel.plugins().filter((p) => ['executor', 'approvals', 'plans'].includes(p.id) && p.status !== 'loaded');
    if (broken.length > 0) throw new Error(`plugins not loaded: ${broken.map((p) => `${p.id} ${p.status}: ${p.reason}`).join('; ')}`);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  after(async () => {
    await server?.stop();
    await server?.home.cleanup();
  });

  it('streams a run in order, shows it in the snapshot while it waits, and resumes it when approved through the API', async () => {
    const watcher = await EventClient.connect(server.wsUrl, { topics: 'run,node,approval' });
    clients.push(watcher);
    await watcher.waitFor((m) => m.type === 'snapshot', 'the snapshot');
    const plan = {
      id: 'gated',
      name: 'Gated plan',
      goal: 'wait for a person in the middle',
      root: { id: 'main', type: 'sequence', children: [task('before'), { id: 'gate', type: 'human_approval', title: 'Ship it?', prompt: 'Ship it?' }, task('after')] },
    };
    const started = await callApi(server.baseUrl, 'POST', '/api/runs', { body: { document: plan }, headers: { 'x-orch-operator': 'ada', 'x-orch-client': 'gui' } });
    expect(started.status, started.text).to.equal(201);
    const runId: string = started.body.run.runId;

    const requested = await watcher.waitFor((m) => m.type === 'approval.requested' && m.runId === runId, 'approval.requested');
    await watcher.waitFor((m) => m.type === 'run.waiting' && m.runId === runId, 'run.waiting');

    // A client connecting now sees the waiting run and the pending approval in its snapshot.
    const late = await EventClient.connect(server.wsUrl);
    clients.push(late);
    const snapshot = await late.waitFor((m) => m.type === 'snapshot', 'the late snapshot');
    expect(snapshot.runs.active.map((r: any) => [r.runId, r.status])).to.deep.include([runId, 'waiting_approval']);
    expect(snapshot.approvals.pending).to.equal(1);

    const decided = await callApi(server.baseUrl, 'POST', `/api/approvals/${requested.approvalId}/decision`, {
      body: { outcome: 'approved', comment: 'go' },
      headers: { 'x-orch-operator': 'grace', 'x-orch-client': 'gui' },
    });
    expect(decided.status, decided.text).to.equal(200);
    await watcher.waitFor((m) => m.type === 'run.completed' && m.runId === runId, 'run.completed');

    const again = await callApi(server.baseUrl, 'POST', `/api/approvals/${requested.approvalId}/decision`, { body: { outcome: 'rejected' } });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('conflict');

    const events = watcher.events().filter((e) => e.runId === runId);
    for (const event of events) OrchEventSchema.parse(event);
    const seqs = events.map((e) => e.seq);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    const order = events.map((e) => (e.nodeId && e.type.startsWith('node.') ? `${e.type}:${e.nodeId}` : e.type));
    const at = (label: string): number => {
      const index = order.indexOf(label);
      expect(index, `${label} in ${order.join(', ')}`).to.be.greaterThan(-1);
      return index;
    };
    expect(at('run.started')).to.be.lessThan(at('node.succeeded:before'));
    expect(at('node.succeeded:before')).to.be.lessThan(at('approval.requested'));
    expect(at('approval.requested')).to.be.lessThan(at('run.waiting'));
    expect(at('run.waiting')).to.be.lessThan(at('approval.resolved'));
    expect(at('approval.resolved')).to.be.lessThan(at('node.succeeded:after'));
    expect(at('node.succeeded:after')).to.be.lessThan(at('run.completed'));
    const resolved = events.find((e) => e.type === 'approval.resolved');
    expect(resolved).to.include({ outcome: 'approved', operator: 'grace', via: 'gui' });

    const record = await callApi(server.baseUrl, 'GET', `/api/runs/${runId}`);
    expect(record.body.run.status).to.equal('completed');
    expect(record.body.run.nodes.gate.status).to.equal('succeeded');
  });

  it('completes 50 runs of a 20-node plan started at once, with no event lost for a subscribed client', async () => {
    const watcher = await EventClient.connect(server.wsUrl);
    clients.push(watcher);
    const snapshot = await watcher.waitFor((m) => m.type === 'snapshot', 'the snapshot');
    // Store the plan with a first run, then start 50 runs of that stored version at once.
    const first = await callApi(server.baseUrl, 'POST', '/api/runs', { body: { document: loadPlan('load'), wait: true } });
    expect(first.status, first.text).to.equal(201);
    expect(first.body.run.status).to.equal('completed');
    const { planId, planVersion } = first.body.run;
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => callApi(server.baseUrl, 'POST', '/api/runs', { body: { planId, version: planVersion } })),
    );
    for (const reply of replies) expect(reply.status, reply.text).to.equal(201);
    const runIds = new Set(replies.map((r) => r.body.run.runId as string));
    expect(runIds.size).to.equal(50);

    const ended = new Set<string>();
    await watcher.waitFor(
      (m) => {
        if (runIds.has(m.runId) && (m.type === 'run.completed' || m.type === 'run.failed')) ended.add(m.runId);
        return ended.size === 50;
      },
      'all 50 runs to end',
      240_000,
    );

    // Every event of the server's bus reached the client, in order: the sequence has no gap.
    const seqs = watcher.events().map((e) => e.seq);
    expect(seqs[0]).to.equal(snapshot.lastSeq + 1);
    seqs.forEach((seq, i) => expect(seq, `event #${i}`).to.equal(seqs[0]! + i));
    for (const runId of runIds) {
      const events = watcher.events().filter((e) => e.runId === runId);
      expect(events.filter((e) => e.type === 'run.completed'), runId).to.have.length(1);
      const succeeded = new Set(events.filter((e) => e.type === 'node.succeeded').map((e) => e.nodeId));
      expect(succeeded.size, runId).to.equal(20);
      expect(events.filter((e) => e.type === 'node.started')).to.have.length(20);
    }
    const list = await callApi(server.baseUrl, 'GET', '/api/runs?status=completed');
    expect(list.body.runs.filter((r: any) => runIds.has(r.runId))).to.have.length(50);
  });
});

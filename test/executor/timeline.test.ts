import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OrchEventSchema } from '../support/event-schemas.js';
import { callApi, EventClient, startTestServer, type TestServer } from '../support/server-harness.js';
import { noopTask as task, RUN_PACKAGES, RUN_PLUGINS } from '../support/server-load-plan.js';

const fast = { retry: { maxAttempts: 3, backoffMs: 0, factor: 1 } };

/** A retried node inside a loop inside the taken branch of a conditional. */
const nestedPlan = {
  id: 'nested-history',
  name: 'Nested history',
  goal: 'retry inside a loop inside a conditional',
  root: {
    id: 'main',
    type: 'sequence',
    children: [
      task('prep'),
      {
        id: 'pick',
        type: 'conditional',
        branches: [
          {
            when: 'nodes.prep.ok = true',
            then: {
              id: 'work',
              type: 'sequence',
              children: [
                {
                  id: 'each',
                  type: 'loop',
                  forEach: '[10, 20, 30]',
                  maxIterations: 5,
                  body: { id: 'body', type: 'sequence', children: [{ ...task('shaky', 'flaky', { failures: 1 }), ...fast }, task('after')] },
                },
              ],
            },
          },
        ],
        else: task('fallback'),
      },
    ],
  },
};

describe('executor: run history the GUI can draw (timeline, node detail, run list pages, event journal)', function () {
  this.timeout(120_000);
  let server: TestServer;
  const clients: EventClient[] = [];

  before(async () => {
    server = await startTestServer({ packages: RUN_PACKAGES, plugins: RUN_PLUGINS, server: { checkResponses: true } });
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

  it('shows every attempt of a retried node in every iteration of a loop inside a conditional, in plan order', async () => {
    const watcher = await EventClient.connect(server.wsUrl, { topics: 'run,node' });
    clients.push(watcher);
    await watcher.waitFor((m) => m.type === 'snapshot', 'the snapshot');
    const started = await callApi(server.baseUrl, 'POST', '/api/runs', { body: { document: nestedPlan, wait: true } });
    expect(started.status, started.text).to.equal(201);
    const runId: string = started.body.run.runId;
    expect(started.body.run.status).to.equal('completed');

    const reply = await callApi(server.baseUrl, 'GET', `/api/runs/${runId}/timeline`);
    expect(reply.status, reply.text).to.equal(200);
    const timeline = reply.body;
    expect(timeline).to.include({ runId, status: 'completed', planId: 'nested-history' });
    expect(timeline.startedAt).to.be.a('string');
    expect(timeline.finishedAt).to.be.a('string');
    expect(timeline.actions).to.deep.equal(['replay']);

    // Plan order, depth first, with parents from the plan tree.
    const rows = timeline.nodes.map((n: any) => [n.nodeId, n.parentId ?? null, n.depth, n.type]);
    expect(rows).to.deep.equal([
      ['main', null, 0, 'sequence'],
      ['prep', 'main', 1, 'local_task'],
      ['pick', 'main', 1, 'conditional'],
      ['work', 'pick', 2, 'sequence'],
      ['each', 'work', 3, 'loop'],
      ['body', 'each', 4, 'sequence'],
      ['shaky', 'body', 5, 'local_task'],
      ['after', 'body', 5, 'local_task'],
      ['fallback', 'pick', 2, 'local_task'],
    ]);
    const byId = Object.fromEntries(timeline.nodes.map((n: any) => [n.nodeId, n]));
    expect(byId.pick).to.include({ branch: 'branches.0', branchNodeId: 'work', status: 'succeeded' });
    expect(byId.each).to.include({ iteration: '2', iterations: 3, count: 3, status: 'succeeded' });
    expect(byId.fallback).to.include({ status: 'pending' });
    expect(byId.fallback.attempts).to.deep.equal([]);

    // Every attempt of every iteration: a failed first try (retried), then a success.
    const shaky = byId.shaky;
    expect(shaky.iterations).to.equal(3);
    expect(shaky.attempts.map((a: any) => [a.iteration, a.attempt, a.outcome])).to.deep.equal([
      ['0', 1, 'retrying'],
      ['0', 2, 'succeeded'],
      ['1', 1, 'retrying'],
      ['1', 2, 'succeeded'],
      ['2', 1, 'retrying'],
      ['2', 2, 'succeeded'],
    ]);
    for (const attempt of shaky.attempts) {
      expect(Date.parse(attempt.startedAt)).to.be.at.most(Date.parse(attempt.finishedAt));
      expect(attempt.durationMs).to.be.a('number').and.at.least(0);
      if (attempt.outcome === 'retrying') expect(attempt.error).to.contain('flaky failure on attempt 1');
      else expect(attempt).to.not.have.property('error');
    }
    const starts = shaky.attempts.map((a: any) => Date.parse(a.startedAt));
    expect(starts).to.deep.equal([...starts].sort((a, b) => a - b));
    expect(byId.after.attempts.map((a: any) => [a.iteration, a.outcome])).to.deep.equal([
      ['0', 'succeeded'],
      ['1', 'succeeded'],
      ['2', 'succeeded'],
    ]);
    expect(byId.shaky.actions).to.include('replay-from').and.not.include('retry');

    // The node in full: plan params, its whole output from the checkpoint, its attempts.
    const detail = await callApi(server.baseUrl, 'GET', `/api/runs/${runId}/nodes/shaky`);
    expect(detail.status, detail.text).to.equal(200);
    expect(detail.body.node).to.include({ nodeId: 'shaky', type: 'local_task', status: 'succeeded', outputFrom: 'checkpoint', parentId: 'body' });
    expect(detail.body.node.params).to.deep.equal({ failures: 1 });
    expect(detail.body.node.output).to.deep.equal({ attempt: 2 });
    expect(detail.body.node.attempts).to.have.length(6);
    expect(detail.body.node).to.not.have.property('remedy');
    expect(detail.body.run).to.deep.equal({ runId, status: 'completed', actions: ['replay'] });
    const loop = await callApi(server.baseUrl, 'GET', `/api/runs/${runId}/nodes/each`);
    expect(loop.body.node).to.include({ type: 'loop', index: 2, count: 3, iterations: 3 });
    expect(loop.body.node.params).to.include({ forEach: '[10, 20, 30]', body: 'body' });
    expect((await callApi(server.baseUrl, 'GET', `/api/runs/${runId}/nodes/nope`)).status).to.equal(404);

    // The events say the same: iteration on node.*, the branch chosen, each loop iteration.
    await watcher.waitFor((m) => m.type === 'run.completed' && m.runId === runId, 'run.completed');
    const events = watcher.events().filter((e) => e.runId === runId);
    for (const event of events) OrchEventSchema.parse(event);
    expect(events.filter((e) => e.type === 'node.branch').map((e) => [e.nodeId, e.branch, e.branchIndex, e.branchNodeId])).to.deep.equal([['pick', 'branches.0', 0, 'work']]);
    expect(events.filter((e) => e.type === 'node.iteration').map((e) => [e.index, e.done, e.iterations, e.count])).to.deep.equal([
      [0, false, 1, 3],
      [1, false, 2, 3],
      [2, false, 3, 3],
      [2, true, 3, 3],
    ]);
    expect(events.filter((e) => e.type === 'node.started' && e.nodeId === 'shaky').map((e) => [e.iteration, e.attempt])).to.deep.equal([
      ['0', 1],
      ['0', 2],
      ['1', 1],
      ['1', 2],
      ['2', 1],
      ['2', 2],
    ]);
    expect(events.find((e) => e.type === 'node.started' && e.nodeId === 'prep')).to.not.have.property('iteration');

    // The run's own journal on disk holds the same events, in order.
    const file = join(server.home.dir, 'state', 'runs', runId, 'events.jsonl');
    const journaled = await eventually(async () => {
      const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      return lines.some((e) => e.type === 'run.completed') ? lines : undefined;
    }, 'the journal to hold run.completed');
    expect(journaled.map((e) => e.seq)).to.deep.equal(events.map((e) => e.seq));
    const viaApi = await callApi(server.baseUrl, 'GET', `/api/runs/${runId}/events?limit=3`);
    expect(viaApi.body.events.map((e: any) => e.seq)).to.deep.equal(events.slice(-3).map((e) => e.seq));
  });

  it('names the actions a flagged run and node allow, with the remedy, and drops them once cancelled', async () => {
    const plan = { id: 'flagged', name: 'Flagged', goal: 'give up on a node', root: { id: 'main', type: 'sequence', children: [{ ...task('broken', 'flaky', { failures: 99, message: 'connect ECONNREFUSED 127.0.0.1:9' }), ...fast }, task('later')] } };
    const started = await callApi(server.baseUrl, 'POST', '/api/runs', { body: { document: plan, wait: true } });
    expect(started.body.run.status).to.equal('needs_attention');
    const runId: string = started.body.run.runId;

    const run = await callApi(server.baseUrl, 'GET', `/api/runs/${runId}`);
    expect(run.body.run.actions).to.deep.equal(['cancel', 'resume', 'replay']);
    const timeline = (await callApi(server.baseUrl, 'GET', `/api/runs/${runId}/timeline`)).body;
    const broken = timeline.nodes.find((n: any) => n.nodeId === 'broken');
    expect(broken.status).to.equal('needs_attention');
    expect(broken.actions).to.include.members(['retry', 'skip']);
    expect(broken.attempts.map((a: any) => a.outcome)).to.deep.equal(['retrying', 'retrying', 'failed']);
    expect(timeline.nodes.find((n: any) => n.nodeId === 'later').actions).to.not.include('retry');

    const detail = (await callApi(server.baseUrl, 'GET', `/api/runs/${runId}/nodes/broken`)).body.node;
    expect(detail.error).to.contain('ECONNREFUSED');
    expect(detail.remedy.suggestion).to.contain('could not be reached');
    expect(detail.remedy.commands).to.include(`orch run:resume ${runId} --retry-node broken`);
    expect(detail.remedy.log).to.match(/operations-log\.md$/);

    const cancelled = await callApi(server.baseUrl, 'POST', `/api/runs/${runId}/cancel`);
    expect(cancelled.status, cancelled.text).to.equal(200);
    const after = (await callApi(server.baseUrl, 'GET', `/api/runs/${runId}/timeline`)).body;
    expect(after.actions).to.deep.equal(['replay']);
    expect(after.nodes.find((n: any) => n.nodeId === 'broken').actions).to.not.include.members(['retry', 'skip']);
  });

  it('records a human_approval as one attempt that runs while the person decides, and offers skip meanwhile', async () => {
    const plan = {
      id: 'asked',
      name: 'Asked',
      goal: 'wait for a person',
      root: { id: 'main', type: 'sequence', children: [task('before'), { id: 'ok', type: 'human_approval', title: 'Go?', prompt: 'Go on?' }, task('after')] },
    };
    const started = await callApi(server.baseUrl, 'POST', '/api/runs', { body: { document: plan, wait: true } });
    expect(started.body.run.status).to.equal('waiting_approval');
    const runId: string = started.body.run.runId;
    const waiting = (await callApi(server.baseUrl, 'GET', `/api/runs/${runId}/timeline`)).body;
    const ok = waiting.nodes.find((n: any) => n.nodeId === 'ok');
    expect(ok.status).to.equal('waiting_approval');
    expect(ok.attempts.map((a: any) => [a.attempt, a.outcome])).to.deep.equal([[1, 'running']]);
    expect(ok.actions).to.include('skip').and.not.include('retry');
    expect(waiting.actions).to.include('cancel').and.not.include('resume');
    expect(waiting.nodes.find((n: any) => n.nodeId === 'main').status).to.equal('waiting_approval');

    const [approval] = (await callApi(server.baseUrl, 'GET', `/api/approvals?runId=${runId}`)).body.approvals;
    const decided = await callApi(server.baseUrl, 'POST', `/api/approvals/${approval.id}/decision`, { body: { outcome: 'approved' }, headers: { 'x-orch-operator': 'grace' } });
    expect(decided.status, decided.text).to.equal(200);
    const done = await eventually(async () => {
      const timeline = (await callApi(server.baseUrl, 'GET', `/api/runs/${runId}/timeline`)).body;
      return timeline.status === 'completed' ? timeline : undefined;
    }, 'the run to complete after the approval');
    const attempt = done.nodes.find((n: any) => n.nodeId === 'ok').attempts[0];
    expect(attempt).to.include({ attempt: 1, outcome: 'succeeded', finishedAt: decided.body.approval.decision.decidedAt });
    expect(Date.parse(attempt.finishedAt) - Date.parse(attempt.startedAt)).to.equal(attempt.durationMs);
    expect(done.nodes.find((n: any) => n.nodeId === 'main').status).to.equal('succeeded');
  });

  it('keeps no journal for a memory-mode run, whose timeline still reads from the server that holds it', async () => {
    const plan = { id: 'in-memory', name: 'In memory', goal: 'debug', root: { id: 'main', type: 'sequence', children: [{ ...task('shaky', 'flaky', { failures: 1 }), ...fast }] } };
    const started = await callApi(server.baseUrl, 'POST', '/api/runs', { body: { document: plan, memory: true, wait: true } });
    expect(started.body.run).to.include({ status: 'completed', mode: 'memory' });
    const runId: string = started.body.run.runId;
    const timeline = (await callApi(server.baseUrl, 'GET', `/api/runs/${runId}/timeline`)).body;
    expect(timeline.nodes.find((n: any) => n.nodeId === 'shaky').attempts.map((a: any) => a.outcome)).to.deep.equal(['retrying', 'succeeded']);
    expect(timeline.actions).to.deep.equal([]);
    await new Promise((resolve) => setTimeout(resolve, 400)); // past the journal's batching delay
    expect(existsSync(join(server.home.dir, 'state', 'runs', runId))).to.equal(false);
    expect((await callApi(server.baseUrl, 'GET', `/api/runs/${runId}/events`)).body.events).to.deep.equal([]);
  });

  it('pages the run list newest first with an opaque cursor: every run exactly once, even while runs start', async () => {
    const plan = { id: 'pager', name: 'Pager', goal: 'many runs', root: { id: 'main', type: 'sequence', children: [task('one')] } };
    const first = await callApi(server.baseUrl, 'POST', '/api/runs', { body: { document: plan, wait: true }, headers: { 'x-orch-operator': 'ada' } });
    const ids = [first.body.run.runId as string];
    for (let i = 0; i < 6; i++) {
      const reply = await callApi(server.baseUrl, 'POST', '/api/runs', { body: { planId: 'pager', wait: true }, headers: { 'x-orch-operator': i % 2 ? 'ada' : 'bob' } });
      expect(reply.status, reply.text).to.equal(201);
      ids.push(reply.body.run.runId);
    }

    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/runs?planId=pager&limit=3${before ? `&before=${encodeURIComponent(before)}` : ''}`;
      const page = await callApi(server.baseUrl, 'GET', query);
      expect(page.status, page.text).to.equal(200);
      expect(page.body.runs.length).to.be.at.most(3);
      for (const item of page.body.runs) {
        expect(item).to.have.all.keys('runId', 'planId', 'planVersion', 'planName', 'status', 'mode', 'operator', 'createdAt', 'updatedAt', 'finishedAt', 'leafCount', 'counts');
        expect(item.counts).to.deep.equal({ succeeded: 1 });
      }
      seen.push(...page.body.runs.map((r: any) => r.runId));
      before = page.body.nextCursor;
      // A run started between two pages is newer than the cursor: it does not shift the pages.
      if (pages === 0) await callApi(server.baseUrl, 'POST', '/api/runs', { body: { planId: 'pager', wait: true } });
      pages++;
    } while (before);
    expect(pages).to.equal(3);
    expect(seen).to.have.length(7);
    expect(new Set(seen).size).to.equal(7);
    expect([...seen].sort()).to.deep.equal([...ids].sort());

    const all = (await callApi(server.baseUrl, 'GET', '/api/runs?planId=pager')).body;
    expect(all.runs).to.have.length(8);
    expect(all.nextCursor).to.equal(null);
    const created = all.runs.map((r: any) => r.createdAt);
    expect(created).to.deep.equal([...created].sort().reverse());

    const ada = (await callApi(server.baseUrl, 'GET', '/api/runs?planId=pager&operator=ada')).body.runs;
    expect(ada.map((r: any) => r.runId).sort()).to.deep.equal([ids[0], ids[2], ids[4], ids[6]].sort());
    const none = (await callApi(server.baseUrl, 'GET', `/api/runs?planId=pager&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.runs;
    expect(none).to.deep.equal([]);
    const v1 = (await callApi(server.baseUrl, 'GET', '/api/runs?planId=pager&version=1&status=completed,failed')).body.runs;
    expect(v1).to.have.length(8);

    const bad = await callApi(server.baseUrl, 'GET', '/api/runs?before=not-a-cursor');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.contain('before');
    expect((await callApi(server.baseUrl, 'GET', '/api/runs?to=yesterday')).status).to.equal(400);
  });
});

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

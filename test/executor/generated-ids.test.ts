import { expect } from 'chai';
import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunRecord } from '../../plugins/executor/api/index.js';
import { NODE_ID_PATTERN, PLAN_ID_PATTERN } from '../../plugins/plans/api/index.js';
import { TEST_ADAPTERS_PACKAGE } from '../support/executor-home.js';
import { callApi, startTestServer, type TestServer } from '../support/server-harness.js';

/** Names every JavaScript object has, the run state's channels, and LangGraph's own words. */
const NODE_SPECIALS = ['input', 'nodes', 'loops', 'routes', 'gates', 'vars', 'item', 'index', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'prototype', 'branch', 'start', 'end', 'START', 'END', 'Object', 'Function'];
const PLAN_SPECIALS = ['constructor', 'prototype', 'tostring', 'valueof', 'index', 'plans', 'dry-run', 'design', '0', 'con-structor'];

const nodeId = fc.oneof(fc.constantFrom(...NODE_SPECIALS), fc.stringMatching(NODE_ID_PATTERN));
const planId = fc.oneof(fc.constantFrom(...PLAN_SPECIALS), fc.stringMatching(PLAN_ID_PATTERN));
/** Ten distinct node ids (distinct ignoring case, so the plan never trips a case rule). */
const nodeIds = fc.uniqueArray(nodeId, { minLength: 10, maxLength: 10, selector: (id) => id.toLowerCase() });

/** Every kind of node, each named by a generated id: sequence, leaf, parallel, conditional, loop, human_approval. */
function planWith(id: string, ids: string[]): Record<string, unknown> {
  const [root, first, fan, a, b, choice, chosen, loop, body, person] = ids as [string, string, string, string, string, string, string, string, string, string];
  const leaf = (leafId: string) => ({ id: leafId, type: 'local_task', kind: 'noop', params: {} });
  return {
    id,
    name: `Generated ${id}`,
    goal: 'every id the schema accepts works',
    root: {
      id: root,
      type: 'sequence',
      children: [
        leaf(first),
        { id: fan, type: 'parallel', children: [leaf(a), leaf(b)] },
        { id: choice, type: 'conditional', branches: [{ when: 'true', then: leaf(chosen) }] },
        { id: loop, type: 'loop', while: 'index < 1', maxIterations: 2, body: leaf(body) },
        { id: person, type: 'human_approval', title: `Approve ${person}`, prompt: 'Go on?' },
      ],
    },
  };
}

/**
 * Issue 12 §3, as a property: every plan id and node id the schema accepts passes the dry run,
 * saves, shows, runs to the end (through an approval) and is served — no 500 anywhere.
 */
describe('executor: generated ids work end to end', function () {
  this.timeout(600_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ packages: [TEST_ADAPTERS_PACKAGE], plugins: ['core', 'plans', 'executor', 'approvals', 'executor-test-adapters'] });
  });
  after(async () => {
    await server?.stop();
    await server?.home.cleanup();
  });

  const api = async (method: string, path: string, body?: unknown) => {
    const reply = await callApi(server.baseUrl, method, path, body === undefined ? {} : { body });
    expect(reply.status, `${method} ${path}: ${reply.text}`).to.be.below(500);
    return reply;
  };

  async function until(runId: string, statuses: string[]): Promise<RunRecord> {
    for (let i = 0; i < 600; i++) {
      const { body } = await api('GET', `/api/runs/${runId}`);
      if (statuses.includes(body.run.status)) return body.run as RunRecord;
      await sleep(50);
    }
    throw new Error(`run ${runId} never reached ${statuses.join(' or ')}`);
  }

  it('dry run, save, show, versions, run, approve, node detail, timeline, history — for generated plan and node ids', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(planId, nodeIds, async (pid, ids) => {
        if (seen.has(pid)) return; // a plan id already saved would only add a version
        seen.add(pid);
        const plan = planWith(pid, ids);
        const dry = await api('POST', '/api/plans/dry-run', { plan });
        expect(dry.body.ok, JSON.stringify(dry.body)).to.equal(true);
        expect((await api('POST', '/api/plans', { plan })).status).to.equal(201);
        const shown = await api('GET', `/api/plans/${pid}`);
        expect(shown.status).to.equal(200);
        expect(shown.body.id).to.equal(pid);
        expect((await api('GET', `/api/plans/${pid}/versions`)).body.versions).to.have.length(1);

        const started = await api('POST', '/api/runs', { planId: pid });
        expect(started.status, started.text).to.be.below(300);
        const runId = started.body.run.runId as string;
        const waiting = await until(runId, ['waiting_approval', 'failed', 'blocked', 'completed']);
        expect(waiting.status, waiting.error).to.equal('waiting_approval');
        const { body: pending } = await api('GET', `/api/approvals?runId=${runId}`);
        expect(pending.approvals).to.have.length(1);
        expect(pending.approvals[0].nodeId).to.equal(ids[9]);
        expect((await api('POST', `/api/approvals/${pending.approvals[0].id}/decision`, { outcome: 'approved', comment: 'generated' })).status).to.equal(200);
        const done = await until(runId, ['completed', 'failed', 'blocked', 'cancelled']);
        expect(done.status, done.error).to.equal('completed');
        for (const leafId of [ids[1], ids[3], ids[4], ids[6], ids[8], ids[9]]) expect(done.nodes[leafId!]?.status, leafId).to.equal('succeeded');

        for (const id of [ids[1], ids[9]]) expect((await api('GET', `/api/runs/${runId}/nodes/${id}`)).status).to.equal(200);
        expect((await api('GET', `/api/runs/${runId}/nodes/${ids[0]}`)).status).to.be.below(500); // a composite: answered, never a crash
        await api('GET', `/api/runs/${runId}/timeline`);
        await api('GET', `/api/runs/${runId}/history`);
      }),
      { numRuns: Number(process.env.ORCH_ID_RUNS ?? 25), examples: [['constructor', ['input', 'nodes', 'loops', 'routes', 'gates', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'prototype']]] },
    );
  });
});

import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApprovalStore, type ApprovalRecord } from '../../plugins/approvals/api/index.js';
import { type RunRecord } from '../../plugins/executor/api/index.js';
import { eventually, runOrch } from '../support/approvals-helpers.js';
import { callApi } from '../support/server-harness.js';
import { OrchProcess } from '../support/server-process.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const TASKS = fileURLToPath(new URL('../fixtures/approvals-tasks', import.meta.url));
const PLUGINS = ['--plugins', 'core,plans,executor,approvals,approvals-tasks'];

const step = (id: string, params: Record<string, unknown> = {}) => ({ id, type: 'local_task', kind: 'approvals-step', params });
/** build → a person approves → ship (which records who approved, through the gate's output). */
const shipPlan = {
  id: 'ship-with-a-person',
  name: 'Ship with a person',
  goal: 'Ship build 42 once a person says so',
  root: {
    id: 'main',
    type: 'sequence',
    children: [
      step('build'),
      { id: 'gate', type: 'human_approval', title: 'Ship build 42?', prompt: 'The build is green. Ship it?', riskLevel: 'high' },
      step('ship', { approvedBy: '{{ nodes.gate.operator }}' }),
    ],
  },
};

/** The same plan with a deadline on the approval. */
function shipPlanWithDeadline(timeoutMs: number, onTimeout: 'approve' | 'reject'): typeof shipPlan {
  const plan = structuredClone(shipPlan);
  Object.assign(plan.root.children[1]!, { timeoutMs, onTimeout });
  return plan;
}

/**
 * The approval flow end to end with real processes: `orch start` holds the run, people decide
 * from other terminals (through its REST API, or on the files when it is down), and the run goes on.
 */
describe('Approval flow end to end (orch start + orch approvals:* in other processes)', function () {
  this.timeout(300_000);
  const servers: OrchProcess[] = [];

  async function startServer(home: TestHome): Promise<{ orch: OrchProcess; baseUrl: string }> {
    const orch = OrchProcess.start(home.dir, PLUGINS);
    servers.push(orch);
    const location = await orch.ready(home.dir, 120_000);
    return { orch, baseUrl: location.baseUrl };
  }
  async function startRun(baseUrl: string, document: unknown = shipPlan): Promise<string> {
    const started = await callApi(baseUrl, 'POST', '/api/runs', { body: { document }, headers: { 'x-orch-operator': 'ada', 'x-orch-client': 'gui' } });
    expect(started.status, started.text).to.equal(201);
    return started.body.run.runId as string;
  }
  async function pendingApproval(baseUrl: string, runId: string): Promise<ApprovalRecord> {
    return eventually(async () => {
      const list = await callApi(baseUrl, 'GET', `/api/approvals?runId=${runId}`);
      return (list.body.approvals as ApprovalRecord[])[0];
    }, `the approval of run ${runId}`, 2400);
  }
  /** The approval is on file a moment before the run record says it waits: wait for both. */
  async function waitingRun(baseUrl: string, runId: string): Promise<ApprovalRecord> {
    const approval = await pendingApproval(baseUrl, runId);
    await eventually(async () => {
      const run = (await callApi(baseUrl, 'GET', `/api/runs/${runId}`)).body.run as RunRecord;
      return run.status === 'waiting_approval' ? run : undefined;
    }, `run ${runId} to wait for approval`, 2400);
    return approval;
  }
  async function finishedRun(baseUrl: string, runId: string): Promise<RunRecord> {
    return eventually(async () => {
      const run = (await callApi(baseUrl, 'GET', `/api/runs/${runId}`)).body.run as RunRecord;
      return run.status === 'completed' || run.status === 'failed' ? run : undefined;
    }, `run ${runId} to finish`, 2400);
  }
  async function logLines(home: TestHome): Promise<Record<string, unknown>[]> {
    return (await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  afterEach(async () => {
    for (const orch of servers.splice(0)) await orch.kill();
  });

  describe('with the server up', () => {
    let home: TestHome;
    let baseUrl: string;
    before(async () => {
      home = await createTestHome({ 'orch.json': { server: { port: 0 }, plugins: { packages: [TASKS] } } });
    });
    beforeEach(async () => {
      ({ baseUrl } = await startServer(home));
    });
    after(() => home.cleanup());

    it('approved with `orch approvals:approve` from another terminal, the run resumes and completes; the decision is in completed.json and the log', async () => {
      const runId = await startRun(baseUrl);
      const approval = await waitingRun(baseUrl, runId);
      expect(approval).to.include({ nodeId: 'gate', title: 'Ship build 42?', riskLevel: 'high', requestedBy: 'ada' });

      const cli = await runOrch(home.dir, ['approvals:approve', approval.id, '--comment', 'green across the board', '--operator', 'grace']);
      expect(cli.code, cli.stderr).to.equal(0);
      expect(cli.stderr).to.contain('through the Orch server');
      expect(cli.stdout).to.contain('The Orch server resumes the run now.');

      const run = await finishedRun(baseUrl, runId);
      expect(run.status, run.error).to.equal('completed');
      expect(run.nodes.gate).to.include({ status: 'succeeded', decidedBy: 'grace' });
      expect(run.nodes.ship?.outputSummary).to.contain('"approvedBy":"grace"');

      const completed = JSON.parse(await readFile(join(home.dir, 'state', 'approvals', 'completed.json'), 'utf8')).approvals as ApprovalRecord[];
      expect(completed.find((r) => r.id === approval.id)?.decision).to.include({ outcome: 'approved', operator: 'grace', comment: 'green across the board', via: 'cli' });
      const audit = (await logLines(home)).find((l) => l.category === 'audit' && l.action === 'approval.decided' && l.approvalId === approval.id);
      expect(audit).to.include({ operator: 'grace', runId, nodeId: 'gate', riskLevel: 'high', comment: 'green across the board' });
    });

    it('rejected from the CLI, the gated node fails with the operator and comment and the run ends failed', async () => {
      const runId = await startRun(baseUrl);
      const approval = await pendingApproval(baseUrl, runId);
      const cli = await runOrch(home.dir, ['approvals:reject', approval.id, '--comment', 'not during the freeze', '--operator', 'grace']);
      expect(cli.code, cli.stderr).to.equal(0);
      const run = await finishedRun(baseUrl, runId);
      expect(run.status).to.equal('failed');
      expect(run.nodes.gate?.error).to.contain('rejected by grace: not during the freeze');
      expect(run.nodes.ship?.status ?? 'pending').to.equal('pending');
    });

    it('a decision written straight to the files by another process is noticed by the server, which resumes the run', async () => {
      const runId = await startRun(baseUrl);
      const approval = await pendingApproval(baseUrl, runId);
      // Another process on the files, not through REST: a CLI that could not reach the server.
      const other = await home.boot({ only: ['approvals'], operator: 'henry' });
      await other.start();
      const decided = await other.get<ApprovalStore>(ApprovalStore).decide(approval.id, { outcome: 'approved', operator: 'henry', comment: '', via: 'cli' });
      await other.stop();
      const run = await finishedRun(baseUrl, runId);
      expect(run.status, run.error).to.equal('completed');
      expect(run.nodes.gate?.decidedBy).to.equal('henry');
      // The run may be resumed by the executor's own look at the store when it pauses (if the decision
      // came first); the watcher then notices on its next look, which can follow the run's end.
      const noticed = await eventually(
        async () => (await logLines(home)).find((l) => l.category === 'approvals' && String(l.msg).startsWith(`Noticed approval ${approval.id} approved`)),
        'the watcher to log what it noticed',
      );
      expect(noticed).to.include({ approvalId: approval.id, runId });
      console.log(`      (decided at ${decided.decision!.decidedAt}; run finished ${Date.parse(run.finishedAt!) - Date.parse(decided.decision!.decidedAt)} ms later)`);
    });

    it('a node timeoutMs with onTimeout approve is decided by the server\'s clock as system, and the run goes on', async () => {
      const runId = await startRun(baseUrl, shipPlanWithDeadline(1_500, 'approve'));
      const approval = await pendingApproval(baseUrl, runId);
      expect(Date.parse(approval.expiresAt!) - Date.parse(approval.requestedAt)).to.equal(1_500);
      const run = await finishedRun(baseUrl, runId);
      expect(run.status, run.error).to.equal('completed');
      expect(run.nodes.gate?.decidedBy).to.equal('system');
      const decided = (await callApi(baseUrl, 'GET', `/api/approvals/${approval.id}`)).body.approval as ApprovalRecord;
      expect(decided.decision).to.include({ outcome: 'approved', operator: 'system', via: 'timeout' });
    });
  });

  it('an expiry that passes while no server runs is applied when `orch start` comes back (onTimeout reject → the run fails)', async () => {
    const home = await createTestHome({ 'orch.json': { server: { port: 0 }, plugins: { packages: [TASKS] } } });
    try {
      const first = await startServer(home);
      const runId = await startRun(first.baseUrl, shipPlanWithDeadline(8_000, 'reject'));
      const approval = await waitingRun(first.baseUrl, runId);
      first.orch.child.kill('SIGTERM');
      expect(await first.orch.exited).to.equal(0);
      expect(Date.now(), 'the server stopped before the deadline').to.be.lessThan(Date.parse(approval.expiresAt!));
      await eventually(() => (Date.now() > Date.parse(approval.expiresAt!) ? true : undefined), 'the deadline to pass', 1000);

      const second = await startServer(home);
      const run = await finishedRun(second.baseUrl, runId);
      expect(run.status).to.equal('failed');
      expect(run.nodes.gate?.error).to.contain('rejected by system');
      const decided = (await callApi(second.baseUrl, 'GET', `/api/approvals/${approval.id}`)).body.approval as ApprovalRecord;
      expect(decided.decision).to.include({ outcome: 'rejected', operator: 'system', via: 'timeout' });
    } finally {
      for (const orch of servers.splice(0)) await orch.kill();
      await home.cleanup();
    }
  });

  it('with the server down: approve on the files, then `orch start` resumes the run', async () => {
    const home = await createTestHome({ 'orch.json': { server: { port: 0 }, plugins: { packages: [TASKS] } } });
    try {
      const first = await startServer(home);
      const runId = await startRun(first.baseUrl);
      const approval = await waitingRun(first.baseUrl, runId);
      first.orch.child.kill('SIGTERM');
      expect(await first.orch.exited).to.equal(0);

      const cli = await runOrch(home.dir, ['approvals:approve', approval.id, '--operator', 'ines', '--comment', 'approved offline']);
      expect(cli.code, cli.stderr).to.equal(0);
      expect(cli.stderr).to.contain('no Orch server running — working on state/approvals/ directly');
      expect(cli.stdout).to.contain(`continues with the next \`orch start\` or \`orch run:resume ${runId}\``);
      const stored = JSON.parse(await readFile(join(home.dir, 'state', 'runs', `${runId}.json`), 'utf8')) as RunRecord;
      expect(stored.status).to.equal('waiting_approval');

      const second = await startServer(home);
      const run = await finishedRun(second.baseUrl, runId);
      expect(run.status, run.error).to.equal('completed');
      expect(run.nodes.gate?.decidedBy).to.equal('ines');
      expect(run.nodes.ship?.outputSummary).to.contain('"approvedBy":"ines"');
    } finally {
      for (const orch of servers.splice(0)) await orch.kill();
      await home.cleanup();
    }
  });
});

import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApprovalStore } from '../../plugins/approvals/api/index.js';
import { type RunRecord } from '../../plugins/executor/api/index.js';
import { createExecutorHome, planOf, task, type ExecutorHome, type ExecutorKernel } from '../support/executor-home.js';

const approval = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'human_approval', title: `Approve ${id}`, prompt: `May ${id} go ahead?`, ...extra });

/** People in the loop, with the real approvals plugin: pauses, decisions, and resuming across a restart. */
describe('executor: approvals', function () {
  let home: ExecutorHome;
  let ex: ExecutorKernel;
  let store: ApprovalStore;

  before(async () => {
    home = await createExecutorHome();
    ex = await home.bootExecutor({ plugins: ['approvals'] });
    store = ex.kernel.get<ApprovalStore>(ApprovalStore);
  });
  after(() => home.cleanup());

  const start = (document: Record<string, unknown>) => ex.runs.start({ document }, { operator: 'tester' });
  const pendingOf = async (runId: string) => (await store.list({ runId })).filter((a) => !a.decision);

  it('pauses at a human_approval node and at a high-risk node, and goes on once each is approved', async () => {
    const record = await start(
      planOf('approve-flow', {
        id: 'main',
        type: 'sequence',
        children: [task('prepare', 'noop'), approval('signoff'), task('deploy', 'risky', { value: '{{ nodes.signoff.operator }}' }), task('after', 'noop')],
      }),
    );
    expect(record.status).to.equal('waiting_approval');
    expect(record.waitingFor!.approvals.map((a) => a.nodeId)).to.deep.equal(['signoff']);
    expect(record.nodes.signoff!.status).to.equal('waiting_approval');
    const [first] = await pendingOf(record.runId);
    expect(first).to.include({ nodeId: 'signoff', key: 'signoff', title: 'Approve signoff', planId: 'approve-flow' });

    // Resuming before anyone decided changes nothing.
    expect((await ex.runs.resume(record.runId, { operator: 'tester' })).status).to.equal('waiting_approval');

    await store.decide(first!.id, { outcome: 'approved', operator: 'alice', comment: 'looks good', via: 'cli' });
    const second = await ex.runs.resume(record.runId, { operator: 'tester' });
    expect(second.status).to.equal('waiting_approval');
    expect(second.waitingFor!.approvals.map((a) => a.nodeId)).to.deep.equal(['deploy']);
    expect(second.nodes.signoff!.outputSummary).to.contain('"approved":true').and.contain('"operator":"alice"').and.contain('looks good');
    const [gate] = await pendingOf(record.runId);
    expect(gate).to.include({ nodeId: 'deploy', riskLevel: 'high' });

    await store.decide(gate!.id, { outcome: 'approved', operator: 'bob', comment: '', via: 'api' });
    const done = await ex.runs.resume(record.runId, { operator: 'tester' });
    expect(done.status).to.equal('completed');
    expect(done.nodes.deploy).to.include({ status: 'succeeded', decidedBy: 'bob' });
    expect(done.nodes.deploy!.outputSummary).to.contain('"value":"alice"');
  });

  it('fails the run on a rejection, naming who rejected and why', async () => {
    const record = await start(planOf('reject-flow', { id: 'main', type: 'sequence', children: [approval('gate'), task('never', 'noop')] }));
    const [request] = await pendingOf(record.runId);
    await store.decide(request!.id, { outcome: 'rejected', operator: 'carol', comment: 'not today', via: 'gui' });
    const done = await ex.runs.resume(record.runId, { operator: 'tester' });
    expect(done.status).to.equal('failed');
    expect(done.error).to.contain('rejected by carol: not today');
    expect(done.nodes.gate!.status).to.equal('failed');
    expect(done.nodes.never).to.equal(undefined);
  });

  it('lets a rejection through with onReject "continue", so a conditional can branch on it', async () => {
    const record = await start(
      planOf('reject-continue', {
        id: 'main',
        type: 'sequence',
        children: [
          approval('gate', { onReject: 'continue' }),
          { id: 'branch', type: 'conditional', branches: [{ when: 'nodes.gate.approved', then: task('go', 'noop') }], else: task('fallback', 'noop') },
        ],
      }),
    );
    const [request] = await pendingOf(record.runId);
    await store.decide(request!.id, { outcome: 'rejected', operator: 'carol', comment: 'use plan B', via: 'cli' });
    const done = await ex.runs.resume(record.runId, { operator: 'tester' });
    expect(done.status).to.equal('completed');
    expect(Object.keys(done.nodes).sort()).to.deep.equal(['fallback', 'gate']);
  });

  it('holds several approvals at once in parallel branches and resumes them through the interrupt-id map', async () => {
    const record = await start(
      planOf('two-gates', {
        id: 'main',
        type: 'sequence',
        children: [{ id: 'fan', type: 'parallel', children: [approval('left'), approval('right'), task('free', 'noop')] }, task('joined', 'noop')],
      }),
    );
    expect(record.status).to.equal('waiting_approval');
    expect(record.waitingFor!.approvals.map((a) => a.nodeId).sort()).to.deep.equal(['left', 'right']);
    expect(record.nodes.free!.status).to.equal('succeeded');
    const pending = await pendingOf(record.runId);
    expect(pending).to.have.length(2);

    await store.decide(pending.find((p) => p.nodeId === 'left')!.id, { outcome: 'approved', operator: 'alice', comment: '', via: 'cli' });
    const half = await ex.runs.resume(record.runId, { operator: 'tester' });
    expect(half.status).to.equal('waiting_approval');
    expect(half.waitingFor!.approvals.map((a) => a.nodeId)).to.deep.equal(['right']);
    expect(half.nodes.left!.status).to.equal('succeeded');
    expect((await pendingOf(record.runId)).map((p) => p.nodeId)).to.deep.equal(['right']);

    await store.decide(pending.find((p) => p.nodeId === 'right')!.id, { outcome: 'approved', operator: 'bob', comment: '', via: 'cli' });
    const done = await ex.runs.resume(record.runId, { operator: 'tester' });
    expect(done.status).to.equal('completed');
    expect(done.nodes.joined!.status).to.equal('succeeded');
    expect(done.nodes.free!.completions).to.equal(1);
  });

  it('asks again in every loop iteration (one request per node and position)', async () => {
    let record: RunRecord = await start(
      planOf('loop-gates', { id: 'each', type: 'loop', forEach: '["a","b"]', maxIterations: 5, body: approval('check') }),
    );
    const keys: string[] = [];
    for (let round = 0; round < 4 && record.status === 'waiting_approval'; round++) {
      const [request] = await pendingOf(record.runId);
      keys.push(request!.key);
      await store.decide(request!.id, { outcome: 'approved', operator: 'alice', comment: '', via: 'cli' });
      record = await ex.runs.resume(record.runId, { operator: 'tester' });
    }
    expect(record.status).to.equal('completed');
    expect(keys).to.deep.equal(['check@0', 'check@1']);
  });

  it('--skip-node on a node waiting for approval goes on without running it', async () => {
    const record = await start(planOf('skip-gate', { id: 'main', type: 'sequence', children: [task('danger', 'risky'), task('after', 'echo', { got: '{{ $string(nodes.danger) }}' })] }));
    expect(record.status).to.equal('waiting_approval');
    const done = await ex.runs.resume(record.runId, { operator: 'ops', skipNode: 'danger' });
    expect(done.status).to.equal('completed');
    expect(done.nodes.danger).to.include({ status: 'skipped', decidedBy: 'ops' });
    expect(done.nodes.after!.outputSummary).to.contain('"got":"null"');
  });

  it('survives a restart: a decision taken while no server runs is picked up by the next one, and one taken while it runs resumes the run', async () => {
    const document = planOf('restart-flow', { id: 'main', type: 'sequence', children: [approval('first'), approval('second'), task('end', 'noop')] });
    const serverA = await home.bootExecutor({ role: 'server', plugins: ['approvals'] });
    const started = await serverA.runs.start({ document }, { operator: 'tester' });
    expect(started.status).to.equal('waiting_approval');
    await serverA.kernel.stop();

    // A one-shot CLI process decides while no server runs.
    const cli = await home.bootExecutor({ role: 'cli', plugins: ['approvals'] });
    const cliStore = cli.kernel.get<ApprovalStore>(ApprovalStore);
    const [first] = (await cliStore.list({ runId: started.runId })).filter((a) => !a.decision);
    await cliStore.decide(first!.id, { outcome: 'approved', operator: 'alice', comment: '', via: 'cli' });

    // The next server recovers the run at start-up: it goes on to the second approval.
    const serverB = await home.bootExecutor({ role: 'server', plugins: ['approvals'] });
    let record = await waitFor(serverB, started.runId, (r) => r.waitingFor?.approvals[0]?.nodeId === 'second');
    expect(record.nodes.first!.status).to.equal('succeeded');

    // Decided by the other process while this server runs: its approvals watcher sees the file change.
    const [second] = (await cliStore.list({ runId: started.runId })).filter((a) => !a.decision);
    await cliStore.decide(second!.id, { outcome: 'approved', operator: 'bob', comment: '', via: 'cli' });
    record = await waitFor(serverB, started.runId, (r) => r.status === 'completed');
    expect(record.nodes.end!.status).to.equal('succeeded');
  });
});

/** Polls a run until `done` holds (bounded: the approvals watcher polls every second). */
async function waitFor(ex: ExecutorKernel, runId: string, done: (record: RunRecord) => boolean): Promise<RunRecord> {
  let record = await ex.runs.get(runId);
  for (let i = 0; i < 150 && !done(record); i++) {
    await sleep(100);
    record = await ex.runs.get(runId);
  }
  expect(done(record), `run ${runId} reached the expected state (status ${record.status})`).to.equal(true);
  return record;
}

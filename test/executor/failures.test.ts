import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OrchEvent } from '../../kernel/index.js';
import { createExecutorHome, planOf, task, type ExecutorHome, type ExecutorKernel } from '../support/executor-home.js';

const fast = { retry: { maxAttempts: 3, backoffMs: 0, factor: 1 } };

/** Retries, the third failure handing the node to a person, and what the person can do then. */
describe('executor: failures', function () {
  let home: ExecutorHome;
  let ex: ExecutorKernel;
  const events: OrchEvent[] = [];

  before(async () => {
    home = await createExecutorHome();
    ex = await home.bootExecutor();
    ex.kernel.bus.subscribe((event) => events.push(event));
  });
  after(() => home.cleanup());

  const run = (document: Record<string, unknown>) => ex.runs.start({ document }, { operator: 'tester' });
  const ofRun = (runId: string) => events.filter((e) => 'runId' in e && e.runId === runId);

  it('retries a failing node with backoff and goes on when an attempt succeeds', async () => {
    const record = await run(planOf('retry-ok', task('shaky', 'flaky', { failures: 2 }, { retry: { maxAttempts: 3, backoffMs: 5, factor: 2 } })));
    expect(record.status).to.equal('completed');
    expect(record.nodes.shaky!.attempts).to.equal(3);
    const types = ofRun(record.runId).map((e) => e.type);
    expect(types.filter((t) => t === 'node.failed')).to.have.length(2);
    const delays = ofRun(record.runId).filter((e): e is Extract<OrchEvent, { type: 'node.retrying' }> => e.type === 'node.retrying').map((e) => e.delayMs);
    expect(delays).to.deep.equal([5, 10]);
  });

  it('flags a node after its third failure: needs_attention, a log line, an operations-log entry; the siblings finish', async () => {
    const record = await run(
      planOf('flagged', {
        id: 'fan',
        type: 'parallel',
        children: [task('broken', 'flaky', { failures: 3, message: 'connect ECONNREFUSED 127.0.0.1:9' }, fast), task('fine', 'noop')],
      }),
    );
    expect(record.status).to.equal('needs_attention');
    expect(record.nodes.broken).to.include({ status: 'needs_attention', attempts: 3 });
    expect(record.nodes.fine!.status).to.equal('succeeded');
    expect(record.waitingFor!.attention).to.deep.equal([{ nodeId: 'broken', error: 'connect ECONNREFUSED 127.0.0.1:9' }]);
    expect(ofRun(record.runId).map((e) => e.type)).to.include.members(['node.flagged', 'run.needs_attention', 'run.waiting']);

    await ex.kernel.logger.flush();
    const log = (await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const line = log.find((l) => l.runId === record.runId && l.nodeId === 'broken' && /needs attention/.test(l.msg ?? l.message ?? ''));
    expect(line, 'a log line for the flagged node').to.not.equal(undefined);
    expect(line.category).to.equal('executor');
    expect(line.level).to.match(/error|50/);

    const opsLog = await readFile(join(home.dir, '.codex', 'operations-log.md'), 'utf8');
    expect(opsLog).to.contain(`run ${record.runId}: node broken needs attention`);
    expect(opsLog).to.contain('ECONNREFUSED');
    expect(opsLog).to.match(/suggested remedy: .*could not be reached/);
    expect(opsLog).to.contain(`orch run:resume ${record.runId} --retry-node broken`);

    // --retry-node: a fresh budget of three attempts; the fourth attempt succeeds.
    const resumed = await ex.runs.resume(record.runId, { operator: 'fixer', retryNode: 'broken' });
    expect(resumed.status).to.equal('completed');
    expect(resumed.nodes.broken).to.include({ status: 'succeeded', attempts: 4, decidedBy: 'fixer' });
    expect(resumed.nodes.fine!.completions).to.equal(1);
  });

  it('flags again after three more failures, and --skip-node lets the run go on with a null output', async () => {
    const record = await run(
      planOf('skipped', {
        id: 'main',
        type: 'sequence',
        children: [task('hopeless', 'flaky', { failures: 99 }, fast), task('after', 'echo', { got: '{{ $string(nodes.hopeless) }}' })],
      }),
    );
    expect(record.status).to.equal('needs_attention');
    const again = await ex.runs.resume(record.runId, { operator: 'fixer', retryNode: 'hopeless' });
    expect(again.status).to.equal('needs_attention');
    expect(again.nodes.hopeless!.attempts).to.equal(6);
    const opsLog = await readFile(join(home.dir, '.codex', 'operations-log.md'), 'utf8');
    expect(opsLog.split(`run ${record.runId}: node hopeless needs attention`)).to.have.length(3);

    const skipped = await ex.runs.resume(record.runId, { operator: 'fixer', skipNode: 'hopeless' });
    expect(skipped.status).to.equal('completed');
    expect(skipped.nodes.hopeless).to.include({ status: 'skipped', decidedBy: 'fixer', attempts: 6 });
    expect(skipped.nodes.after!.outputSummary).to.contain('"got":"null"');
    expect(ofRun(record.runId).some((e) => e.type === 'node.skipped' && e.nodeId === 'hopeless')).to.equal(true);
  });

  it('flags invalid parameters at once (retrying cannot fix them) with the field named', async () => {
    const record = await run(planOf('bad-params', task('sleepy', 'sleep', { ms: '{{ "soon" }}' }, fast)));
    expect(record.status).to.equal('needs_attention');
    expect(record.nodes.sleepy!.attempts).to.equal(1);
    expect(record.nodes.sleepy!.error).to.match(/node "sleepy" parameters are invalid: ms: /);
  });

  it('refuses a --retry-node for a node that does not wait for a person, naming the ones that do', async () => {
    const record = await run(planOf('wrong-node', task('stuck', 'flaky', { failures: 99 }, fast)));
    try {
      await ex.runs.resume(record.runId, { operator: 'fixer', retryNode: 'nope' });
      expect.fail('resume should refuse');
    } catch (error) {
      expect((error as Error).message).to.contain('node "nope"').and.contain('waiting: stuck (needs attention)');
    }
    const cancelled = await ex.runs.cancel(record.runId, { operator: 'fixer' });
    expect(cancelled.status).to.equal('cancelled');
    expect(cancelled.nodes.stuck!.status).to.equal('cancelled');
    try {
      await ex.runs.resume(record.runId, { operator: 'fixer' });
      expect.fail('a cancelled run cannot resume');
    } catch (error) {
      expect((error as Error).message).to.contain('is cancelled');
    }
  });

  it('fails the run with the expression named when a condition cannot be evaluated', async () => {
    const record = await run(planOf('bad-expr', { id: 'pick', type: 'conditional', branches: [{ when: '$nosuchfunction(1)', then: task('x', 'noop') }] }));
    expect(record.status).to.equal('failed');
    expect(record.error).to.contain('node "pick" branches.0.when');
  });
});

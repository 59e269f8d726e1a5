import { expect } from 'chai';
import { createExecutorHome, planOf, task, type ExecutorHome, type ExecutorKernel } from '../support/executor-home.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { latch } from '../support/executor-adapters.js';

/** Each composite type and mixes of them, run end to end through the real executor plugin. */
describe('executor: composite nodes', function () {
  let home: ExecutorHome;
  let ex: ExecutorKernel;

  before(async () => {
    home = await createExecutorHome();
    ex = await home.bootExecutor();
  });
  after(() => home.cleanup());

  const run = (document: Record<string, unknown>, inputs: Record<string, unknown> = {}) =>
    ex.runs.start({ document }, { operator: 'tester', inputs });

  it('runs a sequence in order, passing outputs through templates and input mappings', async () => {
    const record = await run(
      planOf('seq', {
        id: 'main',
        type: 'sequence',
        children: [
          task('first', 'noop', { value: '{{ input.name }}' }),
          task('second', 'echo', { greeting: 'hello {{ nodes.first.value }}', whole: '{{ nodes.first }}' }, { inputs: { upper: '$uppercase(nodes.first.value)' } }),
        ],
      }, { inputs: { name: { type: 'string', required: true } } }),
      { name: 'ada' },
    );
    expect(record.status).to.equal('completed');
    expect(record.nodes.first!.status).to.equal('succeeded');
    expect(record.nodes.second!.outputSummary).to.contain('hello ada').and.contain('"upper":"ADA"');
    expect(record.nodes.first!.finishedAt! <= record.nodes.second!.startedAt!).to.equal(true);
    const history = await ex.runs.history(record.runId);
    expect(history[0]!.nodes).to.include.members(['first', 'second']);
  });

  it('fans out a parallel node and joins every branch, even one whose conditional takes no path', async () => {
    const record = await run(
      planOf('par', {
        id: 'fan',
        type: 'parallel',
        children: [
          task('a', 'noop', { value: 1 }),
          { id: 'maybe', type: 'conditional', branches: [{ when: 'input.flag = true', then: task('b', 'noop') }] },
          { id: 'chain', type: 'sequence', children: [task('c1', 'noop'), task('c2', 'noop')] },
          { id: 'inner', type: 'parallel', children: [task('d1', 'noop'), task('d2', 'noop')] },
        ],
      }),
      {},
    );
    expect(record.status).to.equal('completed');
    expect(Object.keys(record.nodes).sort()).to.deep.equal(['a', 'c1', 'c2', 'd1', 'd2']);
  });

  it('goes on after the parallel join only once every branch arrived', async () => {
    const record = await run(
      planOf('join', {
        id: 'main',
        type: 'sequence',
        children: [
          { id: 'fan', type: 'parallel', children: [task('slow', 'sleep', { ms: 60 }), task('quick', 'noop')] },
          task('after', 'echo', { slow: '{{ nodes.slow.slept }}', quick: '{{ nodes.quick.ok }}' }),
        ],
      }),
    );
    expect(record.status).to.equal('completed');
    expect(record.nodes.after!.outputSummary).to.contain('"slow":60').and.contain('"quick":true');
    expect(record.nodes.after!.startedAt! >= record.nodes.slow!.finishedAt!).to.equal(true);
  });

  it('takes the first matching conditional branch, else the else branch', async () => {
    const plan = (id: string) =>
      planOf(id, {
        id: 'pick',
        type: 'conditional',
        branches: [
          { when: 'input.size > 10', then: task('big', 'noop') },
          { when: 'input.size > 5', then: task('medium', 'noop') },
        ],
        else: task('small', 'noop'),
      }, { inputs: { size: { type: 'number', required: true } } });
    expect(Object.keys((await run(plan('cond1'), { size: 20 })).nodes)).to.deep.equal(['big']);
    expect(Object.keys((await run(plan('cond2'), { size: 7 })).nodes)).to.deep.equal(['medium']);
    expect(Object.keys((await run(plan('cond3'), { size: 1 })).nodes)).to.deep.equal(['small']);
  });

  it("evaluates a conditional's and a loop's own inputs as vars in their expressions", async () => {
    const record = await run(
      planOf('composite-vars', {
        id: 'main',
        type: 'sequence',
        children: [
          task('count', 'noop', { value: 2 }),
          {
            id: 'pick',
            type: 'conditional',
            inputs: { n: 'nodes.count.value' },
            branches: [{ when: 'vars.n = 2', then: { id: 'twice', type: 'loop', inputs: { limit: 'nodes.count.value' }, while: 'index < vars.limit', maxIterations: 5, body: task('tick', 'noop') } }],
          },
        ],
      }),
    );
    expect(record.status).to.equal('completed');
    expect(record.nodes.tick!.completions).to.equal(2);
  });

  it('loops forEach over a list, with item and index in scope, and re-enters nested parallels', async () => {
    const record = await run(
      planOf('each', {
        id: 'main',
        type: 'sequence',
        children: [
          {
            id: 'every',
            type: 'loop',
            forEach: 'input.items',
            maxIterations: 5,
            body: {
              id: 'body',
              type: 'parallel',
              children: [task('left', 'echo', { item: '{{ item }}', index: '{{ index }}' }), task('right', 'noop')],
            },
          },
          task('done', 'echo', { last: '{{ nodes.left.params.item }}' }),
        ],
      }, { inputs: { items: { type: 'array', required: true } } }),
      { items: ['x', 'y', 'z'] },
    );
    expect(record.status).to.equal('completed');
    expect(record.nodes.left!.completions).to.equal(3);
    expect(record.nodes.left!.iteration).to.equal('2');
    expect(record.nodes.done!.outputSummary).to.contain('"last":"z"');
  });

  it('loops while a condition holds and fails a run whose loop passes maxIterations', async () => {
    const ok = await run(
      planOf('while', {
        id: 'count',
        type: 'loop',
        while: 'index < 4',
        maxIterations: 10,
        body: task('tick', 'echo', { i: '{{ index }}' }),
      }),
    );
    expect(ok.status).to.equal('completed');
    expect(ok.nodes.tick!.completions).to.equal(4);

    const runaway = await run(planOf('runaway', { id: 'forever', type: 'loop', while: 'true', maxIterations: 3, body: task('spin', 'noop') }));
    expect(runaway.status).to.equal('failed');
    expect(runaway.error).to.contain('maxIterations (3)');
  });

  it('runs a mixed plan: sequence of parallel, conditional inside a loop, and a final step', async () => {
    const record = await run(
      planOf('mixed', {
        id: 'main',
        type: 'sequence',
        children: [
          { id: 'prepare', type: 'parallel', children: [task('fetch', 'noop', { value: 3 }), task('warm', 'sleep', { ms: 10 })] },
          {
            id: 'rounds',
            type: 'loop',
            while: 'index < nodes.fetch.value',
            maxIterations: 5,
            body: {
              id: 'decide',
              type: 'conditional',
              branches: [{ when: 'index = 1', then: task('special', 'echo', { round: '{{ index }}' }) }],
              else: task('regular', 'noop'),
            },
          },
          task('report', 'echo', { special: '{{ nodes.special.params.round }}' }),
        ],
      }),
    );
    expect(record.status).to.equal('completed');
    expect(record.nodes.regular!.completions).to.equal(2);
    expect(record.nodes.special!.completions).to.equal(1);
    expect(record.nodes.report!.outputSummary).to.contain('"special":1');
  });

  /** Starts a run whose leaves all block on the latch; returns once no more can start, then releases them. */
  async function holdAtCap(document: Record<string, unknown>, total: number, cap: number): Promise<{ peak: number; status: string }> {
    latch.close();
    const started = await ex.runs.start({ document }, { operator: 'tester', wait: false });
    // Bounded wait until the cap is reached; the other leaves stay queued behind it (none can leave).
    for (let i = 0; i < 1000 && latch.gauge.active < cap; i++) await sleep(10);
    // Give any leaf that could wrongly get past the limit the time to show up.
    for (let i = 0; i < 10; i++) await sleep(10);
    const peak = latch.gauge.peak;
    latch.open();
    const record = await waitUntilSettled(ex, started.runId);
    expect(Object.keys(record.nodes)).to.have.length(total);
    return { peak, status: record.status };
  }

  it('never runs more leaves at once than a parallel node allows: 30 blocked leaves at maxConcurrency 4', async () => {
    const children = Array.from({ length: 30 }, (_, i) => task(`s${i}`, 'latch'));
    const result = await holdAtCap(planOf('capped', { id: 'fan', type: 'parallel', maxConcurrency: 4, children }), 30, 4);
    expect(result).to.deep.equal({ peak: 4, status: 'completed' });
  });

  it('caps the whole run at 10 even across nested parallels', async () => {
    const group = (g: number) => ({ id: `g${g}`, type: 'parallel', children: Array.from({ length: 8 }, (_, i) => task(`g${g}s${i}`, 'latch')) });
    const result = await holdAtCap(planOf('nested-cap', { id: 'fan', type: 'parallel', children: [group(1), group(2), group(3)] }), 24, 10);
    expect(result).to.deep.equal({ peak: 10, status: 'completed' });
  });
});

async function waitUntilSettled(ex: ExecutorKernel, runId: string) {
  let record = await ex.runs.get(runId);
  for (let i = 0; i < 500 && record.status === 'running'; i++) {
    await sleep(20);
    record = await ex.runs.get(runId);
  }
  return record;
}

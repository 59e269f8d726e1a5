import { expect } from 'chai';
import { SlotPool, type RunSlots } from './slot-pool.js';

/** Leaves that ask for slots and hold them until released by hand. */
function leaves(run: RunSlots, count: number, parallels: string[] = [], prefix = run.runId) {
  const held: (() => void)[] = [];
  const started: string[] = [];
  for (let i = 0; i < count; i++) {
    void run.acquire(`${prefix}${i}`, parallels).then((release) => {
      held.push(release);
      started.push(`${prefix}${i}`);
    });
  }
  return { held, started };
}
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SlotPool: one concurrency cap per process, shared fairly', () => {
  it('never hands out more than the cap across runs, and queues the rest in order', async () => {
    const pool = new SlotPool(10);
    const a = pool.forRun('a', new Map());
    const b = pool.forRun('b', new Map());
    const first = leaves(a, 14);
    const second = leaves(b, 14);
    await settle();
    expect(pool.inUse).to.equal(10);
    expect(first.started).to.have.length(10);
    expect(a.queued).to.deep.equal(['a10', 'a11', 'a12', 'a13']);
    expect(b.queued).to.have.length(14);
  });

  it('gives a freed slot to the run holding the fewest, so a big run cannot starve a small one', async () => {
    const pool = new SlotPool(10);
    const big = pool.forRun('big', new Map());
    const small = pool.forRun('small', new Map());
    const b = leaves(big, 30);
    await settle();
    const s = leaves(small, 3);
    await settle();
    expect(s.started).to.deep.equal([]);
    for (const release of b.held.splice(0, 3)) release();
    await settle();
    expect(s.started).to.deep.equal(['small0', 'small1', 'small2']);
    expect(big.held).to.equal(7);
    // Both keep asking: slots go to whichever holds fewer.
    const more = leaves(small, 10, [], 'more');
    await settle();
    for (const release of b.held.splice(0, 4)) release();
    await settle();
    expect(small.held).to.equal(5);
    expect(big.held).to.equal(5);
    expect(more.started).to.have.length(2);
  });

  it('loses no slot to nested parallels: caps 5 + 5 + 2 under an uncapped parallel fill all 10', async () => {
    const pool = new SlotPool(10);
    const run = pool.forRun('r', new Map([['outer', 10], ['g1', 5], ['g2', 5], ['g3', 2]]));
    // The first leaves to ask all belong to g1: waiting on g1's cap must not hold an outer slot.
    leaves(run, 8, ['outer', 'g1'], 'g1-');
    leaves(run, 8, ['outer', 'g2'], 'g2-');
    leaves(run, 8, ['outer', 'g3'], 'g3-');
    await settle();
    expect(pool.inUse).to.equal(10);
    expect(run.queued.filter((id) => id.startsWith('g1-'))).to.have.length(3);
    expect(run.queued.filter((id) => id.startsWith('g3-'))).to.have.length(8);
  });

  it('a waiter that gives up (cancel) leaves the queue and holds nothing', async () => {
    const pool = new SlotPool(1);
    const run = pool.forRun('r', new Map());
    const release = await run.acquire('first', []);
    const abort = new AbortController();
    const waiting = run.acquire('second', [], abort.signal);
    expect(run.queued).to.deep.equal(['second']);
    abort.abort(new Error('cancelled'));
    await waiting.then(
      () => expect.fail('should not get a slot'),
      (error: Error) => expect(error.message).to.equal('cancelled'),
    );
    expect(run.queued).to.deep.equal([]);
    release();
    expect(pool.inUse).to.equal(0);
  });
});

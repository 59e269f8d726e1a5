import { expect } from 'chai';
import { acquireAll, Semaphore } from './semaphore.js';

describe('Semaphore', () => {
  it('lets at most `limit` holders in, hands slots over in FIFO order, and records the peak', async () => {
    const semaphore = new Semaphore(2);
    const order: number[] = [];
    await semaphore.acquire();
    await semaphore.acquire();
    const waiting = [3, 4, 5].map((n) => semaphore.acquire().then(() => order.push(n)));
    expect(semaphore.active).to.equal(2);
    semaphore.release();
    await waiting[0];
    semaphore.release();
    semaphore.release();
    await Promise.all(waiting);
    expect(order).to.deep.equal([3, 4, 5]);
    expect(semaphore.peak).to.equal(2);
  });

  it('rejects a waiter whose signal aborts and forgets it', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.acquire();
    const controller = new AbortController();
    const waiter = semaphore.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await waiter.then(
      () => expect.fail('should reject'),
      (error: Error) => expect(error.message).to.equal('stop'),
    );
    semaphore.release();
    expect(semaphore.active).to.equal(0);
  });

  it('acquireAll takes every semaphore or none', async () => {
    const a = new Semaphore(1);
    const b = new Semaphore(1);
    await b.acquire();
    const controller = new AbortController();
    const pending = acquireAll([a, b], controller.signal);
    controller.abort(new Error('gave up'));
    await pending.catch(() => undefined);
    expect(a.active).to.equal(0);
    b.release();
    const release = await acquireAll([a, b]);
    expect([a.active, b.active]).to.deep.equal([1, 1]);
    release();
    expect([a.active, b.active]).to.deep.equal([0, 0]);
  });
});

import { expect } from 'chai';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../contracts/logger.js';
import type { OrchEventInput } from '../contracts/events.js';
import { InProcessEventBus } from './event-bus.js';

describe('InProcessEventBus', () => {
  const logger = { error: () => undefined } as unknown as Logger;

  it('keeps nothing of the async context an event was published in, whatever its listeners keep', async () => {
    // Events come from inside a run's graph, whose async context holds the run's whole LangGraph
    // loop: a listener's write chain made there (the run journal's) kept every finished run in memory.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const bus = new InProcessEventBus(logger);
    // A listener like a journal: a promise chain it keeps, and a timer that flushes later.
    let chain: Promise<void> = Promise.resolve();
    let flushes = 0;
    bus.subscribe(() => {
      chain = chain.then(() => undefined);
      setTimeout(() => flushes++, 1);
    });
    const storage = new AsyncLocalStorage<object>();
    let context: WeakRef<object> | undefined;
    (() => {
      const loop = { channels: new Array(10_000).fill('state') };
      context = new WeakRef(loop);
      storage.run(loop, () => bus.publish({ type: 'node.started', runId: 'r', nodeId: 'n', attempt: 1 } as OrchEventInput));
    })();
    for (let i = 0; i < 3; i++) {
      await sleep(10);
      gc();
    }
    expect(flushes).to.equal(1);
    await chain;
    expect(context!.deref(), 'the context of the publishing call is still reachable').to.equal(undefined);
  });

  it('delivers to every listener in order, past one that throws', () => {
    const errors: string[] = [];
    const bus = new InProcessEventBus({ error: (message: string) => errors.push(message) } as unknown as Logger);
    const seen: string[] = [];
    bus.subscribe(() => seen.push('a'));
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe(() => seen.push('c'));
    const event = bus.publish({ type: 'node.started', runId: 'r', nodeId: 'n', attempt: 1 } as OrchEventInput);
    expect(seen).to.deep.equal(['a', 'c']);
    expect(errors).to.deep.equal(['An event listener threw']);
    expect(event.seq).to.equal(1);
  });
});

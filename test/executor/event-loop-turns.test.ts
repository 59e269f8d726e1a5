import { expect } from 'chai';
import { EventBus } from '../../kernel/index.js';
import { createExecutorHome, planOf, task, type ExecutorHome, type ExecutorKernel } from '../support/executor-home.js';

/**
 * LangGraph's steps are promise chains: a run whose leaves do no I/O never reaches the event loop
 * unless the executor lets it turn. A server running such a run must still answer requests and
 * fire its timers meanwhile.
 */
describe('executor: a run of leaves that do no I/O leaves the event loop turning', function () {
  this.timeout(120_000);
  let home: ExecutorHome;
  let ex: ExecutorKernel;

  before(async () => {
    home = await createExecutorHome();
    ex = await home.bootExecutor();
  });
  after(() => home.cleanup());

  for (const memory of [false, true]) {
    it(`fires timers between a 300-leaf sequence's first and last leaf (${memory ? 'memory' : 'JSON'} mode)`, async () => {
      const document = planOf(`busy-${memory ? 'memory' : 'json'}`, {
        id: 'main',
        type: 'sequence',
        children: Array.from({ length: 300 }, (_, i) => task(`n${i}`, 'noop', { value: i })),
      });
      // Counted from the first leaf's start to the last one's end: what comes before (plan, graph,
      // files of a new run) does I/O of its own.
      let ticks = 0;
      let counting = false;
      let during = 0;
      const unsubscribe = ex.kernel.get<EventBus>(EventBus).subscribe((event) => {
        const nodeId = (event as { nodeId?: string }).nodeId;
        if (event.type === 'node.started' && nodeId === 'n0') counting = true;
        if (event.type === 'node.succeeded' && nodeId === 'n299') {
          counting = false;
          during = ticks;
        }
      });
      const timer = setInterval(() => {
        if (counting) ticks++;
      }, 1);
      try {
        const record = await ex.runs.start({ document }, { operator: 'tester', memory });
        expect(record.status).to.equal('completed');
      } finally {
        clearInterval(timer);
        unsubscribe();
      }
      // 300 leaves take hundreds of milliseconds; without turns the timer never fired in between.
      expect(during, 'timer callbacks that ran while the leaves executed').to.be.above(5);
    });
  }
});

/**
 * Child process for the plan store race test: saves one plan `times` times in `home`, each version
 * tagged with the worker's name, then exits. Usage: plans-save-worker.ts <home> <worker> <times>
 */
import { Kernel } from '../../kernel/kernel.js';
import { PlanStore } from '../../plugins/plans/api/index.js';

const [home, worker, times] = process.argv.slice(2);
const kernel = await Kernel.boot({ home, role: 'test', operator: worker, only: ['plans'] });
await kernel.start();
const store = kernel.container.get<PlanStore>(PlanStore);
for (let i = 0; i < Number(times); i++) {
  await store.save(
    { id: 'raced', name: 'Raced', goal: 'two writers', root: { id: 'only', type: 'local_task', kind: 'echo', params: { worker, i } } } as never,
    { operator: worker! },
  );
}
await kernel.stop();

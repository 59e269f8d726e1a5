// Plan figures: dry-run time as plans grow (stand-in adapters, so the checks themselves are
// measured, not MCP servers), and the plan store's save / get / list latency as versions pile up.
import { PlanStore, PlanValidator, type PlanStore as Store, type PlanValidator as Validator } from '../plugins/plans/api/index.js';
import { bootPlansKernel } from '../test/support/plans-adapters.js';
import { createTestHome } from '../test/support/test-home.js';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number): string => `${value.toFixed(2)} ms`;

/** `size` leaves in parallels of 10 inside a sequence; each leaf reads the one before it. */
function planOf(size: number): unknown {
  const groups: unknown[] = [];
  for (let g = 0; g * 10 < size; g++) {
    const children = [];
    for (let i = g * 10; i < Math.min(size, g * 10 + 10); i++) {
      children.push({ id: `n${i}`, type: 'local_task', kind: 'echo', params: { from: g === 0 ? '{{ input.topic }}' : `{{ nodes.n${(g - 1) * 10}.value }}` } });
    }
    groups.push({ id: `g${g}`, type: 'parallel', children });
  }
  return { id: 'bench', name: 'Bench', goal: 'measure', inputs: { topic: { type: 'string' } }, root: { id: 'main', type: 'sequence', children: groups } };
}

const home = await createTestHome();
const kernel = await bootPlansKernel(home);
const validator = kernel.container.get<Validator>(PlanValidator);
const store = kernel.container.get<Store>(PlanStore);

for (const size of [10, 100, 500, 1000]) {
  const plan = planOf(size);
  const times: number[] = [];
  for (let i = 0; i < (size >= 500 ? 10 : 30); i++) {
    const started = performance.now();
    const report = await validator.dryRun(plan);
    times.push(performance.now() - started);
    if (!report.ok) throw new Error(`bench plan of ${size} is invalid`);
  }
  console.log(`dry run, ${String(size).padStart(4)} leaf nodes: median ${ms(median(times))} (${ms(median(times) / size)} per node)`);
}

const saves: number[] = [];
const versions = Number(process.env.BENCH_PLAN_VERSIONS ?? 200);
const small = planOf(10) as Record<string, unknown>;
for (let v = 1; v <= versions; v++) {
  const started = performance.now();
  await store.save({ ...small, name: `Bench ${v}` } as never, { operator: 'bench' });
  saves.push(performance.now() - started);
}
const tenth = Math.max(1, Math.floor(versions / 10));
console.log(`save: median ${ms(median(saves))}; first ${tenth} vs last ${tenth} of ${versions} versions: ${ms(median(saves.slice(0, tenth)))} → ${ms(median(saves.slice(-tenth)))}`);
const gets: number[] = [];
for (let i = 0; i < 50; i++) {
  const started = performance.now();
  await store.get('bench', 1 + (i % versions));
  await store.list();
  gets.push(performance.now() - started);
}
console.log(`get + list with ${versions} versions: median ${ms(median(gets))}`);
await home.cleanup();

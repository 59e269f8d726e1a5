// Executor benchmark (`npm run bench`, or `node --expose-gc --import tsx/esm bench/executor.ts`).
// Prints, from one run:
//  1. per-node time of a 500-node sequence of no-op tasks in memory mode, against a hand-written
//     LangGraph graph with MemorySaver doing the same work (target: at most 1.5×);
//  2. the same sequence with JSON checkpoints, against memory mode (reported);
//  3. a parallel node of 100 tasks of 50 ms at the cap of 10: wall time against the 500 ms ideal
//     (target: within 1.2×) and the most tasks seen running at once (target: exactly 10);
//  4. the peak RSS of the process.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotation, END, MemorySaver, START, StateGraph } from '@langchain/langgraph';
import { RunService, type RunRecord } from '../plugins/executor/api/index.js';
import { PlanStore, type PlanDocument } from '../plugins/plans/api/index.js';
import { Kernel } from '../kernel/kernel.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { Semaphore } from '../plugins/executor/run/semaphore.js';
import { sleepGauge } from '../test/support/executor-adapters.js';

const SEQUENCE_NODES = Number(process.env.BENCH_SEQUENCE_NODES ?? 500);
const PARALLEL_TASKS = 100;
const TASK_MS = 50;
const CAP = 10;

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const home = await mkdtemp(join(tmpdir(), 'orch-bench-executor-'));
await mkdir(join(home, 'config'), { recursive: true });
await writeFile(
  join(home, 'config', 'orch.json'),
  `${JSON.stringify({ logging: { level: 'warn' }, plugins: { packages: [join(projectRoot, 'test', 'fixtures', 'executor-test-adapters')] } })}\n`,
);

const kernel = await Kernel.boot({ home, role: 'test', operator: 'bench', only: ['executor', 'executor-test-adapters'] });
await kernel.start();
const runs = kernel.get<RunService>(RunService);
const plans = kernel.get<PlanStore>(PlanStore);

function sequencePlan(id: string, nodes: number): PlanDocument {
  return {
    id,
    name: `bench ${id}`,
    goal: 'benchmark',
    root: {
      id: 'main',
      type: 'sequence',
      children: Array.from({ length: nodes }, (_, i) => ({ id: `n${i}`, type: 'local_task' as const, kind: 'noop', params: {} })),
    },
  } as PlanDocument;
}

interface Timing {
  ms: number;
  /** CPU time of this process meanwhile (less disturbed than wall time on a busy machine). */
  cpuMs: number;
}

async function timed(work: () => Promise<unknown>): Promise<Timing> {
  (globalThis as { gc?: () => void }).gc?.();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

async function timeRun(planId: string, memory: boolean): Promise<Timing> {
  return timed(async () => {
    const record: RunRecord = await runs.start({ planId }, { operator: 'bench', memory });
    if (record.status !== 'completed') throw new Error(`bench run ${record.runId} ended ${record.status}: ${record.error ?? ''}`);
  });
}

/** The same work written by hand: one node per task returning the same output into a merged map. */
async function timeBareLangGraph(nodes: number): Promise<Timing> {
  const State = Annotation.Root({
    nodes: Annotation<Record<string, unknown>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
  });
  const graph = new StateGraph(State) as unknown as {
    addNode(name: string, run: () => Promise<unknown>): void;
    addEdge(from: string, to: string): void;
    compile(options: { checkpointer: MemorySaver }): { invoke(input: unknown, config: unknown): Promise<unknown> };
  };
  let previous = START as string;
  for (let i = 0; i < nodes; i++) {
    const id = `n${i}`;
    graph.addNode(id, async () => ({ nodes: { [id]: { ok: true, value: null } } }));
    graph.addEdge(previous, id);
    previous = id;
  }
  graph.addEdge(previous, END);
  const app = graph.compile({ checkpointer: new MemorySaver() });
  return timed(() => app.invoke({}, { configurable: { thread_id: `bare-${Math.random()}` }, recursionLimit: nodes + 10, durability: 'sync' }));
}

/** The parallel node written by hand: a fork, 100 tasks behind a semaphore of 10, a join (the floor LangGraph sets). */
async function timeBareParallel(): Promise<number> {
  const State = Annotation.Root({
    nodes: Annotation<Record<string, unknown>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
  });
  const graph = new StateGraph(State) as unknown as {
    addNode(name: string, run: () => Promise<unknown>): void;
    addEdge(from: string | string[], to: string): void;
    compile(options: { checkpointer: MemorySaver }): { invoke(input: unknown, config: unknown): Promise<unknown> };
  };
  const slots = new Semaphore(CAP);
  const ids = Array.from({ length: PARALLEL_TASKS }, (_, i) => `p${i}`);
  graph.addNode('fork', async () => ({}));
  for (const id of ids) {
    graph.addNode(id, async () => {
      await slots.acquire();
      try {
        await sleep(TASK_MS);
      } finally {
        slots.release();
      }
      return { nodes: { [id]: { slept: TASK_MS } } };
    });
    graph.addEdge('fork', id);
  }
  graph.addNode('join', async () => ({}));
  graph.addEdge(ids, 'join');
  graph.addEdge(START, 'fork');
  graph.addEdge('join', END);
  const app = graph.compile({ checkpointer: new MemorySaver() });
  return (await timed(() => app.invoke({}, { configurable: { thread_id: `bare-par-${Math.random()}` }, durability: 'sync' }))).ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const perNode = (ms: number) => ms / SEQUENCE_NODES;
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

try {
  await plans.save(sequencePlan('bench-warmup', 50), { operator: 'bench' });
  await plans.save(sequencePlan('bench-sequence', SEQUENCE_NODES), { operator: 'bench' });
  await plans.save(
    {
      id: 'bench-parallel',
      name: 'bench parallel',
      goal: 'benchmark',
      root: {
        id: 'fan',
        type: 'parallel',
        maxConcurrency: CAP,
        children: Array.from({ length: PARALLEL_TASKS }, (_, i) => ({ id: `p${i}`, type: 'local_task', kind: 'sleep', params: { ms: TASK_MS } })),
      },
    } as PlanDocument,
    { operator: 'bench' },
  );

  // Warm-up (JIT, module loading) before anything is measured.
  await timeRun('bench-warmup', true);
  await timeRun('bench-warmup', false);
  await timeBareLangGraph(50);

  // Alternating rounds, so both sides see the same machine; medians of wall and CPU time.
  const ROUNDS = 5;
  const bare: Timing[] = [];
  const memory: Timing[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await timeBareLangGraph(SEQUENCE_NODES));
    memory.push(await timeRun('bench-sequence', true));
  }
  const json = await timeRun('bench-sequence', false);

  const ideal = (PARALLEL_TASKS / CAP) * TASK_MS;
  const parallelRuns = async (memoryMode: boolean) => {
    const times: number[] = [];
    let peak = 0;
    for (let round = 0; round < 3; round++) {
      sleepGauge.reset();
      times.push((await timeRun('bench-parallel', memoryMode)).ms);
      peak = Math.max(peak, sleepGauge.peak);
    }
    return { ms: median(times), peak };
  };
  const parallel = await parallelRuns(false);
  const parallelMemory = await parallelRuns(true);
  await timeBareParallel();
  const bareParallel = median([await timeBareParallel(), await timeBareParallel(), await timeBareParallel()]);

  const bareNode = perNode(median(bare.map((t) => t.ms)));
  const memoryNode = perNode(median(memory.map((t) => t.ms)));
  const bareCpu = perNode(median(bare.map((t) => t.cpuMs)));
  const memoryCpu = perNode(median(memory.map((t) => t.cpuMs)));
  const jsonNode = perNode(json.ms);
  const rss = process.resourceUsage().maxRSS / 1024;
  const rows: [string, string, string][] = [
    [`${SEQUENCE_NODES}-node sequence, bare LangGraph + MemorySaver`, `${fmt(bareNode)} / node`, `median of ${ROUNDS} (CPU ${fmt(bareCpu)})`],
    [`${SEQUENCE_NODES}-node sequence, executor --memory`, `${fmt(memoryNode)} / node`, `median of ${ROUNDS} (CPU ${fmt(memoryCpu)})`],
    ['  memory mode ÷ bare LangGraph', `${(memoryNode / bareNode).toFixed(2)}×`, `target ≤ 1.5× ${memoryNode / bareNode <= 1.5 ? 'ok' : 'MISSED'} (CPU time ${(memoryCpu / bareCpu).toFixed(2)}×)`],
    [`${SEQUENCE_NODES}-node sequence, executor JSON checkpoints`, `${fmt(jsonNode)} / node`, 'one run'],
    ['  JSON mode ÷ memory mode', `${(jsonNode / memoryNode).toFixed(2)}×`, 'reported'],
    ...(['JSON checkpoints', 'memory mode'] as const).flatMap((label): [string, string, string][] => {
      const p = label === 'memory mode' ? parallelMemory : parallel;
      return [
        [`parallel ${PARALLEL_TASKS} × ${TASK_MS} ms at cap ${CAP}, ${label}`, fmt(p.ms), `median of 3; ideal ${ideal} ms`],
        ['  wall time ÷ ideal', `${(p.ms / ideal).toFixed(2)}×`, `target ≤ 1.2× ${p.ms / ideal <= 1.2 ? 'ok' : 'MISSED'}`],
        ['  most tasks running at once', String(p.peak), `target exactly ${CAP} ${p.peak === CAP ? 'ok' : 'MISSED'}`],
      ];
    }),
    [`  (the same parallel written by hand in LangGraph, semaphore of ${CAP})`, fmt(bareParallel), `${(bareParallel / ideal).toFixed(2)}× ideal: the floor LangGraph sets here`],
    ['peak RSS', `${rss.toFixed(0)} MB`, 'whole benchmark process'],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  const width2 = Math.max(...rows.map((r) => r[1].length));
  console.log(`Executor benchmark (load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs when it ended)`);
  for (const [name, value, note] of rows) console.log(`  ${name.padEnd(width)}  ${value.padStart(width2)}  ${note}`);
} finally {
  await kernel.stop();
  await rm(home, { recursive: true, force: true });
}

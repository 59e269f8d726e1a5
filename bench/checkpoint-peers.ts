// Peer benchmark of durable runs (`npm run bench`, or `node --expose-gc --import tsx/esm bench/checkpoint-peers.ts`).
// In one interleaved run, for sequences of 100, 500 and 1000 no-op tasks it prints, per node:
//  - Orch JSON mode (the executor with its checkpoint log, default durability: `executor.checkpointSync`
//    "interval", or "step" with BENCH_PEER_CHECKPOINT_SYNC=step) against a hand-written LangGraph chain
//    doing the same work with SqliteSaver (@langchain/langgraph-checkpoint-sqlite, a dev dependency
//    for this benchmark only), both with durability "sync": wall time and CPU time, and the ratio
//    (target ≤ 1.0×, goal 0.7×);
//  - bytes written per node by each side (the process's write syscalls, /proc/self/io wchar: the
//    checkpoint log and the run record for Orch, the database and its WAL for SQLite) — target flat
//    from 100 to 1000 nodes;
//  - the wait per node of each side (wall minus CPU time of the process: fsyncs, and the CPU other
//    processes hold meanwhile; may be negative, as CPU time counts every thread);
//  - fsyncs per step of each side, counted by strace (fsync + fdatasync) on one run per size in a
//    child process, minus a child that only starts up (and stores the plan) — target ≤ 1.5 for Orch;
//  - Orch memory mode against the same chain with MemorySaver (target ≤ 1.1×);
//  - for reference, the chain with SqliteSaver at `PRAGMA synchronous=FULL`, which fsyncs each commit
//    as Orch's "step" durability does each step (the SqliteSaver default, WAL at NORMAL as
//    better-sqlite3 builds it, fsyncs only at WAL checkpoints: a power loss may cost recent steps,
//    as Orch's default "interval" durability may cost the last 100 ms of steps).
// Medians over alternating rounds (BENCH_PEER_ROUNDS, default 3), so every side sees the same machine;
// within a round, each side runs as many times as make about 1000 nodes (BENCH_PEER_NODES_PER_ROUND):
// ten 100-node runs, two of 500, one of 1000 — interleaved the same way.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Annotation, END, MemorySaver, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import type { Kernel as KernelClass } from '../kernel/kernel.js';
import type { RunRecord, RunService as RunServiceToken } from '../plugins/executor/api/index.js';
import type { PlanDocument, PlanStore as PlanStoreToken } from '../plugins/plans/api/index.js';

const SIZES = (process.env.BENCH_PEER_SIZES ?? '100,500,1000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_PEER_ROUNDS ?? 3);
/** Set in the child processes strace watches: `<side>:<nodes>:<run>` (run 0: start-up and plan only). */
const ONE = process.env.BENCH_PEER_ONE;

type Side = 'orch-json' | 'sqlite' | 'sqlite-full' | 'orch-memory' | 'memory';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
// Orch's side is the compiled build in dist/, what `orch` runs — not the sources through tsx, whose
// loader wraps every function it defines (keepNames) and would be measured with it. Built first
// when a source is newer (BENCH_PEER_FROM_SOURCE=1 measures the sources instead).
const fromSource = process.env.BENCH_PEER_FROM_SOURCE === '1';
if (!fromSource && !ONE) {
  const build = spawnSync(process.execPath, [join(projectRoot, 'bin', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('bench: the build failed (node bin/build.mjs)');
}
const orchModule = (path: string) => import(join(projectRoot, fromSource ? '' : 'dist', `${path}.${fromSource ? 'ts' : 'js'}`));
const { Kernel } = (await orchModule('kernel/kernel')) as { Kernel: typeof KernelClass };
const { RunService } = (await orchModule('plugins/executor/api/index')) as { RunService: typeof RunServiceToken };
const { PlanStore } = (await orchModule('plugins/plans/api/index')) as { PlanStore: typeof PlanStoreToken };
const home = await mkdtemp(join(tmpdir(), 'orch-bench-peers-'));
await mkdir(join(home, 'config'), { recursive: true });
await writeFile(
  join(home, 'config', 'orch.json'),
  `${JSON.stringify({
    logging: { level: 'warn' },
    plugins: { packages: [join(projectRoot, 'test', 'fixtures', 'executor-test-adapters')] },
    ...(process.env.BENCH_PEER_CHECKPOINT_SYNC ? { executor: { checkpointSync: process.env.BENCH_PEER_CHECKPOINT_SYNC } } : {}),
  })}\n`,
);
// The children that run only the hand-written chain need no kernel.
const kernel = ONE && !ONE.startsWith('orch') ? undefined : await Kernel.boot({ home, role: 'test', operator: 'bench', only: ['executor', 'executor-test-adapters'] });
await kernel?.start();
const runs = kernel?.get<RunServiceToken>(RunService) as RunServiceToken;
const plans = kernel?.get<PlanStoreToken>(PlanStore) as PlanStoreToken;

function sequencePlan(nodes: number): PlanDocument {
  return {
    id: `seq-${nodes}`,
    name: `bench sequence of ${nodes}`,
    goal: 'benchmark',
    root: {
      id: 'main',
      type: 'sequence',
      children: Array.from({ length: nodes }, (_, i) => ({ id: `n${i}`, type: 'local_task' as const, kind: 'noop', params: {} })),
    },
  } as PlanDocument;
}

/** Bytes this process has handed to write syscalls so far. */
function bytesWritten(): number {
  const match = /wchar:\s*(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'));
  return match ? Number(match[1]) : 0;
}

/** The hand-written peer: one node per task returning the same output into a merged map. */
function chain(nodes: number, checkpointer: BaseCheckpointSaver) {
  const State = Annotation.Root({
    nodes: Annotation<Record<string, unknown>>({ reducer: (a, b) => ({ ...a, ...b }), default: () => ({}) }),
  });
  const graph = new StateGraph(State) as unknown as {
    addNode(name: string, run: () => Promise<unknown>): void;
    addEdge(from: string, to: string): void;
    compile(options: { checkpointer: BaseCheckpointSaver }): { invoke(input: unknown, config: unknown): Promise<unknown> };
  };
  let previous = START as string;
  for (let i = 0; i < nodes; i++) {
    const id = `n${i}`;
    graph.addNode(id, async () => ({ nodes: { [id]: { ok: true, value: null } } }));
    graph.addEdge(previous, id);
    previous = id;
  }
  graph.addEdge(previous, END);
  return graph.compile({ checkpointer });
}

interface Measure {
  ms: number;
  cpuMs: number;
  bytes: number;
}

let dbCount = 0;
async function once(side: Side, nodes: number): Promise<Measure> {
  (globalThis as { gc?: () => void }).gc?.();
  let work: () => Promise<unknown>;
  let sqlite: SqliteSaver | undefined;
  if (side === 'orch-json' || side === 'orch-memory') {
    work = async () => {
      const record: RunRecord = await runs.start({ planId: `seq-${nodes}` }, { operator: 'bench', memory: side === 'orch-memory' });
      if (record.status !== 'completed') throw new Error(`bench run ${record.runId} ended ${record.status}: ${record.error ?? ''}`);
    };
  } else {
    if (side === 'sqlite' || side === 'sqlite-full') sqlite = SqliteSaver.fromConnString(join(home, `peer-${dbCount++}.db`));
    if (side === 'sqlite-full') (sqlite as unknown as { db: { pragma(text: string): unknown } }).db.pragma('synchronous=FULL');
    const app = chain(nodes, sqlite ?? new MemorySaver());
    work = () => app.invoke({}, { configurable: { thread_id: `peer-${Math.random()}` }, recursionLimit: nodes + 10, durability: 'sync' });
  }
  const bytes = bytesWritten();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const written = bytesWritten() - bytes;
  (sqlite as unknown as { db?: { close(): void } } | undefined)?.db?.close();
  return { ms, cpuMs: (used.user + used.system) / 1000, bytes: written };
}

/** fsync + fdatasync calls of a child process doing one run of `side` (strace -c), or only what precedes it. */
function fsyncsOf(side: Side, nodes: number, run: boolean): number | undefined {
  const out = join(home, `strace-${side}-${nodes}-${run}.txt`);
  const result = spawnSync(
    'strace',
    ['-f', '-c', '-o', out, '-e', 'trace=fsync,fdatasync', process.execPath, '--import', 'tsx/esm', fileURLToPath(import.meta.url)],
    { env: { ...process.env, BENCH_PEER_ONE: `${side}:${nodes}:${run ? 1 : 0}` }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (result.status !== 0 || !existsSync(out)) return undefined;
  let calls = 0;
  for (const line of readFileSync(out, 'utf8').split('\n')) {
    const cells = line.trim().split(/\s+/);
    if (cells.at(-1) === 'fsync' || cells.at(-1) === 'fdatasync') calls += Number(cells[3]);
  }
  return calls;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
/**
 * Runs of each side per round at a size: as many as make about NODES_PER_ROUND nodes. A 100-node run
 * takes ~150 ms, and one garbage collection or a neighbour's burst moves it by a tenth; ten of them
 * per round (interleaved like the rounds) give its median as many nodes' worth of samples as a
 * 1000-node run has.
 */
const NODES_PER_ROUND = Number(process.env.BENCH_PEER_NODES_PER_ROUND ?? 1000);
const repeatsOf = (nodes: number) => Math.max(1, Math.round(NODES_PER_ROUND / nodes));

try {
  if (ONE) {
    const [side, count, run] = ONE.split(':') as [Side, string, string];
    const nodes = Number(count);
    if (side.startsWith('orch')) await plans.save(sequencePlan(nodes), { operator: 'bench' });
    if (run === '1') await once(side, nodes);
  } else {
    const load = loadavg()[0]!;
    for (const nodes of [50, ...SIZES]) await plans.save(sequencePlan(nodes), { operator: 'bench' });
    // Warm-up (JIT, module loading) before anything is measured.
    const sides: Side[] = ['orch-json', 'sqlite', 'orch-memory', 'memory', 'sqlite-full'];
    for (const side of sides) await once(side, 50);

    const results = new Map<string, Measure[]>();
    let turn = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const nodes of SIZES) {
        for (let repeat = 0; repeat < repeatsOf(nodes); repeat++) {
          // Alternate the order, so neither side always runs first.
          const order = turn++ % 2 === 0 ? sides : [...sides].reverse();
          for (const side of order) {
            const key = `${side}:${nodes}`;
            if (!results.has(key)) results.set(key, []);
            results.get(key)!.push(await once(side, nodes));
          }
        }
      }
    }
    const fsyncs = new Map<string, number | undefined>();
    for (const nodes of SIZES) {
      for (const side of ['orch-json', 'sqlite'] as const) {
        const total = fsyncsOf(side, nodes, true);
        const before = fsyncsOf(side, nodes, false);
        fsyncs.set(`${side}:${nodes}`, total === undefined || before === undefined ? undefined : total - before);
      }
    }

    const per = (side: Side, nodes: number, pick: (m: Measure) => number) => median(results.get(`${side}:${nodes}`)!.map(pick)) / nodes;
    const f = (value: number, digits = 2) => value.toFixed(digits);
    console.log(
      `Checkpoint peer benchmark (Orch from ${fromSource ? 'its TypeScript sources' : 'dist/'}): sequences of no-op tasks, medians of ${ROUNDS} alternating rounds (${SIZES.map((n) => `${ROUNDS * repeatsOf(n)} runs at ${n}`).join(', ')}), Orch checkpointSync ${process.env.BENCH_PEER_CHECKPOINT_SYNC ?? 'interval (default)'}; load average ${f(load, 1)} at the start, ${f(loadavg()[0]!, 1)} at the end, ${cpus().length} CPUs`,
    );
    const rows: string[][] = [['nodes', 'Orch JSON ms/node', 'SqliteSaver ms/node', 'ratio', '(CPU ratio)', 'Orch wait ms/node', 'SQLite wait ms/node', 'Orch B/node', 'SQLite B/node', 'Orch fsync/step', 'SQLite fsync/step', 'Orch memory ms/node', 'MemorySaver ms/node', 'ratio', 'SQLite FULL ms/node', 'JSON/FULL']];
    for (const nodes of SIZES) {
      const json = per('orch-json', nodes, (m) => m.ms);
      const sql = per('sqlite', nodes, (m) => m.ms);
      const mem = per('orch-memory', nodes, (m) => m.ms);
      const bare = per('memory', nodes, (m) => m.ms);
      const full = per('sqlite-full', nodes, (m) => m.ms);
      const cpuRatio = per('orch-json', nodes, (m) => m.cpuMs) / per('sqlite', nodes, (m) => m.cpuMs);
      const fj = fsyncs.get(`orch-json:${nodes}`);
      const fs = fsyncs.get(`sqlite:${nodes}`);
      rows.push([
        String(nodes),
        f(json),
        f(sql),
        `${f(json / sql)}× ${json / sql <= 1 ? 'ok' : 'MISSED'}`,
        `${f(cpuRatio)}×`,
        f(per('orch-json', nodes, (m) => m.ms - m.cpuMs)),
        f(per('sqlite', nodes, (m) => m.ms - m.cpuMs)),
        f(per('orch-json', nodes, (m) => m.bytes), 0),
        f(per('sqlite', nodes, (m) => m.bytes), 0),
        fj === undefined ? 'n/a' : `${f(fj / nodes)} ${fj / nodes <= 1.5 ? 'ok' : 'MISSED'}`,
        fs === undefined ? 'n/a' : f(fs / nodes),
        f(mem),
        f(bare),
        `${f(mem / bare)}× ${mem / bare <= 1.1 ? 'ok' : 'MISSED'}`,
        f(full),
        `${f(json / full)}×`,
      ]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const row of rows) console.log(`  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`);
    const bytesJson = SIZES.map((n) => per('orch-json', n, (m) => m.bytes));
    console.log(
      `  Orch bytes per node from ${SIZES[0]} to ${SIZES.at(-1)} nodes: ×${f(bytesJson.at(-1)! / bytesJson[0]!)} (target flat); targets: JSON ≤ 1.0× SqliteSaver (goal 0.7×), fsyncs per step ≤ 1.5, memory ≤ 1.1× MemorySaver`,
    );
  }
} finally {
  await kernel?.stop();
  await rm(home, { recursive: true, force: true });
}

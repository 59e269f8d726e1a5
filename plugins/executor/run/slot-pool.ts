/**
 * The concurrency slots of one Orch process: at most `limit` leaf executions at once across every
 * run it executes (`executor.maxConcurrency` of config/orch.json, default 10), with each `parallel`
 * node's own `maxConcurrency` under it.
 *
 * A leaf asks for every slot it needs at once — the process's and those of the parallels around it —
 * and gets them together or waits without holding any. So no slot is ever held by a leaf that
 * cannot run (nested parallels lose nothing) and there is no lock order to deadlock on.
 *
 * Fair between runs: when a slot frees, the run holding the fewest slots that has a leaf able to
 * start gets it (the longest-waiting leaf of that run first), so one big run cannot starve a small
 * one. Within a run, leaves start in the order they asked, except that one blocked by its own
 * parallel's cap does not hold up the others.
 */
export class SlotPool {
  private active = 0;
  private sequence = 0;
  private readonly runs = new Set<RunSlots>();
  /** The most leaves seen running at once in this process. */
  peak = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`The process needs a positive concurrency limit, got ${limit}`);
  }

  /** Leaves running right now, over every run. */
  get inUse(): number {
    return this.active;
  }

  /** The slots of one run; `parallelCaps` maps each parallel node id to its `maxConcurrency`. */
  forRun(runId: string, parallelCaps: ReadonlyMap<string, number>, onQueueChange?: () => void): RunSlots {
    return new RunSlots(this, runId, parallelCaps, onQueueChange);
  }

  /** @internal */
  enqueue(run: RunSlots, waiter: Waiter): void {
    waiter.seq = this.sequence++;
    run.queue.push(waiter);
    this.runs.add(run);
    this.pump();
    if (run.queue.includes(waiter)) run.queueChanged();
  }

  /** @internal */
  dequeue(run: RunSlots, waiter: Waiter): void {
    const at = run.queue.indexOf(waiter);
    if (at >= 0) run.queue.splice(at, 1);
    run.queueChanged();
    this.pump();
    this.forget(run);
  }

  /** @internal */
  release(run: RunSlots, counters: readonly Counter[]): void {
    this.active -= 1;
    run.held -= 1;
    for (const counter of counters) counter.active -= 1;
    this.pump();
    this.forget(run);
  }

  /** Hands free slots to waiting leaves, fewest-held run first. */
  private pump(): void {
    const touched = new Set<RunSlots>();
    while (this.active < this.limit) {
      let chosen: { run: RunSlots; waiter: Waiter } | undefined;
      for (const run of this.runs) {
        const waiter = run.queue.find((w) => w.counters.every((c) => c.active < c.limit));
        if (!waiter) continue;
        if (!chosen || run.held < chosen.run.held || (run.held === chosen.run.held && waiter.seq < chosen.waiter.seq)) chosen = { run, waiter };
      }
      if (!chosen) break;
      const { run, waiter } = chosen;
      run.queue.splice(run.queue.indexOf(waiter), 1);
      this.active += 1;
      this.peak = Math.max(this.peak, this.active);
      run.held += 1;
      run.peak = Math.max(run.peak, run.held);
      for (const counter of waiter.counters) counter.active += 1;
      touched.add(run);
      waiter.grant();
    }
    for (const run of touched) run.queueChanged();
  }

  /** A run with nothing held and nothing waiting needs no place in the rotation. */
  private forget(run: RunSlots): void {
    if (run.held === 0 && run.queue.length === 0) this.runs.delete(run);
  }
}

interface Counter {
  readonly limit: number;
  active: number;
}

interface Waiter {
  nodeId: string;
  counters: Counter[];
  seq: number;
  grant: () => void;
}

/** One run's share of the pool: its parallels' caps, what it holds and what waits. */
export class RunSlots {
  held = 0;
  /** The most leaves of this run seen running at once. */
  peak = 0;
  readonly queue: Waiter[] = [];
  private readonly parallels = new Map<string, Counter>();

  constructor(
    private readonly pool: SlotPool,
    readonly runId: string,
    parallelCaps: ReadonlyMap<string, number>,
    private readonly onQueueChange?: () => void,
  ) {
    for (const [id, cap] of parallelCaps) this.parallels.set(id, { limit: Math.max(1, cap), active: 0 });
  }

  /** Leaf nodes waiting for a slot, in the order they asked. */
  get queued(): string[] {
    return this.queue.map((w) => w.nodeId);
  }

  /**
   * Waits until the process and every enclosing parallel (`parallels`, any order) have room, then
   * holds one slot of each. Returns the release; an abort while waiting gives up the place in line.
   */
  async acquire(nodeId: string, parallels: readonly string[], signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    const counters = parallels.map((id) => this.parallels.get(id)).filter((c): c is Counter => c !== undefined);
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.pool.dequeue(this, waiter);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        nodeId,
        counters,
        seq: 0,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pool.enqueue(this, waiter);
    });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.pool.release(this, counters);
    };
  }

  /** @internal */
  queueChanged(): void {
    this.onQueueChange?.();
  }
}

/**
 * A counting semaphore with FIFO hand-over. Orch enforces its own limit on concurrent leaf
 * executions because LangGraph's `maxConcurrency` is unsafe in 1.7 (0 tasks run at 1; unstarted
 * siblings are marked done after a failure). `peak` records the most holders seen at once.
 */
export class Semaphore {
  private holders = 0;
  private readonly waiting: (() => void)[] = [];
  peak = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`A semaphore needs a positive limit, got ${limit}`);
  }

  get active(): number {
    return this.holders;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.holders < this.limit) {
      this.take();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal!.reason);
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) {
      // The slot passes straight to the next waiter: the count never dips, so no one can jump the queue.
      next();
      return;
    }
    this.holders -= 1;
  }

  private take(): void {
    this.holders += 1;
    if (this.holders > this.peak) this.peak = this.holders;
  }
}

/** Takes every semaphore in order (outermost first, as every caller does, so they cannot deadlock). */
export async function acquireAll(semaphores: readonly Semaphore[], signal?: AbortSignal): Promise<() => void> {
  const held: Semaphore[] = [];
  try {
    for (const semaphore of semaphores) {
      await semaphore.acquire(signal);
      held.push(semaphore);
    }
  } catch (error) {
    for (const semaphore of held.reverse()) semaphore.release();
    throw error;
  }
  return () => {
    for (const semaphore of held.reverse()) semaphore.release();
  };
}

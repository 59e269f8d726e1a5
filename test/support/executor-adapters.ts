import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { withFileLock } from '../../kernel/index.js';
import { type NodeAdapter, type NodeRunContext, type RiskLevel } from '../../plugins/plans/api/index.js';

/**
 * Test-only `local_task` kinds for the executor's tests and benchmark. They are real adapters (the
 * executor cannot tell them from the bundled ones): in-process tests bind them with
 * `kernel.container.bind(NodeAdapter).toConstantValue(...)`; child processes get them from the
 * fixture plugin package `test/fixtures/executor-test-adapters`.
 */

/** Concurrency seen by the `sleep` adapter in this process (reset by tests). */
export const sleepGauge = { active: 0, peak: 0, reset(): void {
  this.active = 0;
  this.peak = 0;
} };

function local<P>(kind: string, paramsSchema: z.ZodType<P>, run: (ctx: NodeRunContext<P>) => Promise<unknown>, risk: RiskLevel = 'low'): NodeAdapter<P> {
  return { type: 'local_task', kind, paramsSchema, defaultRiskLevel: risk, description: `test adapter ${kind}`, run };
}

/** Returns `{ ok: true, value }` at once. */
export const noopAdapter = local('noop', z.object({ value: z.unknown().optional() }).passthrough(), async (ctx) => ({ ok: true, value: ctx.params.value ?? null }));

/** Returns its rendered params and mapped inputs (to check templates and `inputs`). */
export const echoAdapter = local('echo', z.record(z.string(), z.unknown()), async (ctx) => ({ params: ctx.params, vars: ctx.vars, key: ctx.idempotencyKey }));

/** Waits `ms`, honouring the abort signal; counts how many run at once in `sleepGauge`. */
export const sleepAdapter = local('sleep', z.object({ ms: z.number().int().nonnegative() }), async (ctx) => {
  sleepGauge.active += 1;
  sleepGauge.peak = Math.max(sleepGauge.peak, sleepGauge.active);
  try {
    await sleep(ctx.params.ms, undefined, { signal: ctx.signal });
    return { slept: ctx.params.ms };
  } finally {
    sleepGauge.active -= 1;
  }
});

/**
 * Blocks every call until `latch.open()`: a test holds a wide parallel node at its concurrency limit,
 * sees exactly how many calls got in, then lets them all go. `latch.gauge` counts them.
 */
export const latch = {
  gauge: { active: 0, peak: 0 },
  release: undefined as (() => void) | undefined,
  waiting: Promise.resolve(),
  close(): void {
    this.gauge = { active: 0, peak: 0 };
    this.waiting = new Promise<void>((resolve) => {
      this.release = resolve;
    });
  },
  open(): void {
    this.release?.();
  },
};

export const latchAdapter = local('latch', z.object({}).passthrough(), async () => {
  latch.gauge.active += 1;
  latch.gauge.peak = Math.max(latch.gauge.peak, latch.gauge.active);
  try {
    await latch.waiting;
    return { released: true };
  } finally {
    latch.gauge.active -= 1;
  }
});

/** Fails its first `failures` attempts (`failures` ≥ 99: always), then returns the attempt. */
export const flakyAdapter = local('flaky', z.object({ failures: z.number().int().nonnegative(), message: z.string().optional() }), async (ctx) => {
  if (ctx.attempt <= ctx.params.failures) throw new Error(ctx.params.message ?? `flaky failure on attempt ${ctx.attempt}`);
  return { attempt: ctx.attempt };
});

/** Same as noop, but high risk: the executor gates it unless the plan says otherwise. */
export const riskyAdapter = local('risky', z.object({ value: z.unknown().optional() }).passthrough(), async (ctx) => ({ done: true, value: ctx.params.value ?? null }), 'high');

const LedgerParams = z.object({
  /** Every call, one JSON line (duplicates after a crash show here). */
  calls: z.string(),
  /** Side effects, deduplicated by idempotency key: what a careful adapter does. */
  effects: z.string(),
  /** While this file exists the node blocks after recording its call (a test kills the process then). */
  blockFile: z.string().optional(),
  /** Written when the node starts blocking. */
  reachedFile: z.string().optional(),
});

/**
 * The crash test's witness: appends each call to `calls`, and its effect to `effects` unless an
 * effect with the same idempotency key is already there.
 */
export const ledgerAdapter = local('ledger', LedgerParams, async (ctx) => {
  const line = JSON.stringify({ nodeId: ctx.nodeId, key: ctx.idempotencyKey, attempt: ctx.attempt, pid: process.pid });
  await appendFile(ctx.params.calls, `${line}\n`);
  await withFileLock(ctx.params.effects, async () => {
    const existing = existsSync(ctx.params.effects) ? await readFile(ctx.params.effects, 'utf8') : '';
    if (!existing.split('\n').some((l) => l && JSON.parse(l).key === ctx.idempotencyKey)) await appendFile(ctx.params.effects, `${line}\n`);
  });
  if (ctx.params.blockFile && existsSync(ctx.params.blockFile)) {
    if (ctx.params.reachedFile) await writeFile(ctx.params.reachedFile, `${process.pid}\n`);
    await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true }));
  }
  return { recorded: ctx.nodeId };
});

/** Runs `action` once per call (tests use it to break the state folder mid-run). */
export function hookAdapter(kind: string, action: (ctx: NodeRunContext<Record<string, unknown>>) => Promise<void>): NodeAdapter {
  return local(kind, z.record(z.string(), z.unknown()), async (ctx) => {
    await action(ctx);
    return { hooked: kind };
  }) as NodeAdapter;
}

export const TEST_ADAPTERS: NodeAdapter[] = [noopAdapter, echoAdapter, sleepAdapter, latchAdapter, flakyAdapter, riskyAdapter, ledgerAdapter] as NodeAdapter[];

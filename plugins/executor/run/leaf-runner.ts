import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { describeError, formatFieldIssues, isOrchError, OrchError, toFieldIssues, type Logger } from '../../../kernel/index.js';
import { type NodeRunState } from '../api/index.js';
import { adapterKeyOf, adapterParamsOf, evaluateExpression, RetryPolicySchema, renderTemplates, type LeafNode, type NodeAdapter, type NodeRunContext, type RetryPolicy } from '../../plans/api/index.js';
import type { Placement } from '../graph/plan-compiler.js';
import type { RunStateUpdate, RunStateValues } from '../graph/run-state.js';
import { pauseForPerson } from './pause-for-person.js';
import { adapterOf, iterationOf, nodeState, publish, scopeOf, summarize, type RunEnvironment } from './run-environment.js';
import { closeAttempt, openAttempt, recordSkip } from './attempt-log.js';
import { StateWriteError } from './write-failure.js';

const DEFAULT_RETRY: RetryPolicy = RetryPolicySchema.parse({});
/** Backoff never waits longer than this, whatever the policy multiplies to. */
const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * Runs one leaf through its adapter: attempts with backoff per the node's retry policy; once the
 * policy is spent the node is flagged `needs_attention` (log line, operations-log entry, events)
 * and the run pauses until a person retries it, skips it or cancels the run.
 *
 * The record decides what happens on re-entry, because LangGraph runs a node again from the top
 * after a resume or a crash:
 * - `skipped` (an operator chose `--skip-node`) → output null without running;
 * - `needs_attention` with no decision yet → pause again;
 * - `running`/`succeeded` for this loop position → the previous process died during that attempt
 *   (or before LangGraph stored its output): run it again under the same attempt number, so the
 *   adapter sees the same idempotency key and can deduplicate its side effect.
 */
export async function runAdapterLeaf(env: RunEnvironment, node: LeafNode, placement: Placement, state: RunStateValues): Promise<RunStateUpdate> {
  const adapter = adapterOf(env, node);
  if (!adapter) throw new OrchError('internal', `No adapter for ${adapterKeyOf(node)} (node "${node.id}")`);
  const entry = nodeState(env, node);
  const iteration = iterationOf(placement, state);
  if (entry.iteration !== iteration && entry.status !== 'needs_attention') startIteration(entry, iteration);

  const at = iteration === undefined ? {} : { iteration };
  if (entry.status === 'skipped') {
    recordSkip(entry, iteration, entry.finishedAt ?? new Date().toISOString());
    return { nodes: { [node.id]: null } };
  }
  if (entry.status === 'needs_attention') pauseForPerson({ kind: 'attention', nodeId: node.id, error: entry.error ?? '' });

  const policy = { ...DEFAULT_RETRY, ...(node.retry ?? {}) };
  for (;;) {
    const resumedAttempt = (entry.status === 'running' || entry.status === 'succeeded') && entry.attempts > 0;
    const attempt = resumedAttempt ? entry.attempts : entry.attempts + 1;
    let startedAt = new Date();
    // Marked running once the node holds its concurrency slot, right before the adapter is called.
    // The write is not waited for: the slot is not held hostage to the disk, and the attempt number
    // (hence the idempotency key) after a crash is the same either way — the record then says
    // `running` with this attempt, or still the state before it, from which the same number follows.
    // A write that fails is reported by the next one, which is waited for.
    const began = async (): Promise<void> => {
      startedAt = new Date();
      Object.assign(entry, { status: 'running', attempts: attempt, startedAt: startedAt.toISOString(), error: undefined, finishedAt: undefined });
      openAttempt(entry, attempt, iteration, startedAt.toISOString());
      env.live.changed().catch(() => undefined);
      publish(env, { type: 'node.started', runId: env.live.record.runId, nodeId: node.id, attempt, ...at });
    };

    let output: unknown;
    try {
      output = await attemptOnce(env, node, adapter, placement, state, attempt, iteration, began);
    } catch (error) {
      if (error instanceof StateWriteError) throw error;
      if (env.signal.aborted) throw env.signal.reason ?? error;
      const message = describeError(error);
      if (entry.attempts < attempt) entry.attempts = attempt; // failed before it got a slot (bad params)
      const tried = attempt - (entry.attemptsBeforeRetry ?? 0);
      const retryable = !(isOrchError(error) && error.code === 'invalid_input');
      publish(env, { type: 'node.failed', runId: env.live.record.runId, nodeId: node.id, attempt, error: message, ...at });
      env.logger.warn(`Node ${node.id} failed (attempt ${attempt}): ${message}`, { nodeId: node.id, attempt });
      const failedAt = new Date().toISOString();
      if (retryable && tried < policy.maxAttempts) {
        const delayMs = Math.min(MAX_BACKOFF_MS, Math.round(policy.backoffMs * policy.factor ** (tried - 1)));
        Object.assign(entry, { status: 'retrying', error: message, finishedAt: failedAt });
        closeAttempt(entry, attempt, iteration, 'retrying', failedAt, message);
        await env.live.changed();
        publish(env, { type: 'node.retrying', runId: env.live.record.runId, nodeId: node.id, attempt: attempt + 1, delayMs, ...at });
        await sleep(delayMs, undefined, { signal: env.signal }).catch(() => {
          throw env.signal.reason;
        });
        continue;
      }
      closeAttempt(entry, attempt, iteration, 'failed', failedAt, message);
      await flag(env, node, entry, message, retryable ? undefined : 'its parameters or inputs are invalid, so retrying cannot help', iteration);
      pauseForPerson({ kind: 'attention', nodeId: node.id, error: message });
    }

    const finishedAt = new Date();
    await letOthersIn(env.slots.held > 0);
    const summary = summarize(output);
    Object.assign(entry, {
      status: 'succeeded',
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      outputSummary: summary,
      error: undefined,
      completions: (entry.completions ?? 0) + 1,
    });
    closeAttempt(entry, attempt, iteration, 'succeeded', finishedAt.toISOString());
    await env.live.changed();
    publish(env, {
      type: 'node.succeeded',
      runId: env.live.record.runId,
      nodeId: node.id,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      ...(summary !== undefined ? { summary } : {}),
      ...at,
    });
    return { nodes: { [node.id]: output === undefined ? null : output } };
  }
}

/** When a leaf last let the event loop turn (`letOthersIn`), process-wide. */
let lastTurn = 0;
/** A sequence of leaves that do no I/O lets the event loop turn at least this often. */
const TURN_EVERY_MS = 5;

/**
 * After a leaf's work, a turn of the event loop (timers, I/O, other runs' steps), at once when
 * other leaves of the run hold slots — the ones whose work ended at the same moment hand theirs on
 * too, so the next ones start together instead of one bookkeeping apart — and otherwise every 5 ms:
 * LangGraph's steps are promise chains, and a sequence of leaves that do no I/O would starve the
 * process (no request served, no timer fired, for the whole run), while a turn per step cost ~0.1 ms
 * (6% of a sequence of no-op leaves).
 */
async function letOthersIn(othersHoldSlots: boolean): Promise<void> {
  const now = performance.now();
  if (!othersHoldSlots && now - lastTurn < TURN_EVERY_MS) return;
  lastTurn = now;
  await setImmediate();
}

/** A new loop position: the node starts over (attempts, decisions) but keeps its completion count. */
export function startIteration(entry: NodeRunState, iteration: string | undefined): void {
  Object.assign(entry, {
    status: 'pending',
    attempts: 0,
    attemptsBeforeRetry: undefined,
    iteration,
    error: undefined,
    decidedBy: undefined,
    outputSummary: undefined,
    startedAt: undefined,
    finishedAt: undefined,
    durationMs: undefined,
    scratch: undefined,
  });
}

async function attemptOnce(
  env: RunEnvironment,
  node: LeafNode,
  adapter: NodeAdapter,
  placement: Placement,
  state: RunStateValues,
  attempt: number,
  iteration: string | undefined,
  began: () => Promise<void>,
): Promise<unknown> {
  const vars: Record<string, unknown> = {};
  for (const [name, expression] of Object.entries(node.inputs ?? {})) {
    vars[name] = await evaluateExpression(expression, scopeOf(state, placement), `node "${node.id}" inputs.${name}`);
  }
  const raw = adapterParamsOf(node);
  const rendered = adapter.renderTemplates === false ? raw : await renderTemplates(raw, scopeOf(state, placement, vars), `node "${node.id}"`);
  const parsed = adapter.paramsSchema.safeParse(rendered);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error);
    throw new OrchError('invalid_input', `node "${node.id}" parameters are invalid: ${formatFieldIssues(issues)}`, { issues });
  }

  const release = await env.slots.acquire(node.id, placement.parallels, env.signal);
  const timeout = node.timeoutMs === undefined ? undefined : new AbortController();
  const signal = timeout ? AbortSignal.any([env.signal, timeout.signal]) : env.signal;
  let timer: NodeJS.Timeout | undefined;
  try {
    await began();
    const entry = nodeState(env, node);
    const runId = env.live.record.runId;
    let childLogger: Logger | undefined;
    const context: NodeRunContext<unknown> = {
      runId,
      planId: env.plan.id,
      planVersion: env.plan.version,
      nodeId: node.id,
      node,
      attempt,
      idempotencyKey: `${runId}:${iteration === undefined ? node.id : `${node.id}@${iteration}`}:${attempt}`,
      params: parsed.data,
      vars,
      signal,
      timeoutMs: node.timeoutMs,
      operator: env.live.record.operator,
      // Made on first use: most adapters never log, and a child logger per call is not free.
      get logger() {
        return (childLogger ??= env.logger.child({ nodeId: node.id, attempt }));
      },
      scratch: {
        get: <T>() => entry.scratch as T | undefined,
        set: async (value: unknown) => {
          entry.scratch = value;
          await env.live.saveScratch();
        },
      },
      reportProgress: (progress, total, message) =>
        publish(env, {
          type: 'node.progress',
          runId,
          nodeId: node.id,
          ...(iteration !== undefined ? { iteration } : {}),
          progress,
          ...(total !== undefined ? { total } : {}),
          ...(message !== undefined ? { message } : {}),
        }),
    };
    const work = adapter.run(context);
    if (node.timeoutMs === undefined) return await work;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new OrchError('timeout', `node "${node.id}" timed out after ${node.timeoutMs} ms`);
        timeout!.abort(error);
        reject(error);
      }, node.timeoutMs);
    });
    // An adapter that ignores its signal still loses the race; its late result is dropped.
    work.catch(() => undefined);
    return await Promise.race([work, timedOut]);
  } finally {
    if (timer) clearTimeout(timer);
    release();
  }
}

/** Hands the node to a person: record, log line, operations-log entry and events. */
async function flag(env: RunEnvironment, node: LeafNode, entry: NodeRunState, error: string, why: string | undefined, iteration: string | undefined): Promise<void> {
  const record = env.live.record;
  Object.assign(entry, { status: 'needs_attention', error, finishedAt: new Date().toISOString() });
  await env.live.changed();
  const attempts = entry.attempts - (entry.attemptsBeforeRetry ?? 0);
  env.logger.error(`Node ${node.id} needs attention after ${attempts} failed attempt(s)${why ? ` (${why})` : ''}: ${error}`, {
    nodeId: node.id,
    attempts: entry.attempts,
    error,
  });
  publish(env, { type: 'node.flagged', runId: record.runId, nodeId: node.id, error, ...(iteration !== undefined ? { iteration } : {}) });
  try {
    await env.operationsLog.recordFlaggedNode({
      time: new Date().toISOString(),
      runId: record.runId,
      planId: record.planId,
      planVersion: record.planVersion,
      nodeId: node.id,
      attempts: entry.attempts,
      error,
      operator: env.operator,
    });
  } catch (failure) {
    // The run still pauses for a person (the record and the log say why); the missing entry is logged.
    env.logger.error(`Could not append to ${env.operationsLog.file}: ${describeError(failure)}`, { nodeId: node.id });
  }
}

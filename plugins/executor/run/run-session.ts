import { getMaxListeners, setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { Command, GraphRecursionError, isGraphDrained, RunControl, type BaseCheckpointSaver } from '@langchain/langgraph';
import { describeError, OrchError, type EventBus, type Logger } from '../../../kernel/index.js';
import { type ApprovalStore } from '../../approvals/api/index.js';
import { type RunCheckpointInfo, type RunRecord, type RunWait } from '../api/index.js';
import { type NodeAdapter, type Plan, walkPlan } from '../../plans/api/index.js';
import { LogCheckpointSaver } from '../checkpoint/log-checkpoint-saver.js';
import type { CompiledPlan } from '../graph/plan-compiler.js';
import type { RunStateValues } from '../graph/run-state.js';
import { closeOpenAttempt } from './attempt-log.js';
import type { OperationsLog } from './operations-log.js';
import { isPauseReason, type PauseReason } from './pause-for-person.js';
import { summarize, type RunEnvironment } from './run-environment.js';
import { configurableFor, type RunGraph } from './run-graphs.js';
import { RunCancelled, RunFailure } from './run-failure.js';
import type { LiveRecord } from './run-records.js';
import { withdrawOpenApprovals } from './withdraw-approvals.js';
import { findWriteFailure } from './write-failure.js';
import type { SlotPool } from './slot-pool.js';

export interface RunSessionOptions {
  plan: Plan;
  live: LiveRecord;
  /** The plan version's graph, compiled with the run's checkpointer (`RunGraphs`). */
  graph: RunGraph;
  checkpointer: BaseCheckpointSaver;
  adapters: ReadonlyMap<string, NodeAdapter>;
  approvals: ApprovalStore | undefined;
  bus: EventBus;
  logger: Logger;
  operationsLog: OperationsLog;
  operator: string;
  role: string;
  /** The process's concurrency slots, shared by every run it executes. */
  slotPool: SlotPool;
}

/** A pause LangGraph holds for this run, with the interrupt id a resume must name. */
export interface PendingPause {
  interruptId: string;
  reason: PauseReason;
}

/** Stops a run at its next checkpoint because the process is stopping; it stays `running`. */
export class ShutdownRequested extends Error {
  override readonly name = 'ShutdownRequested';
  constructor() {
    super('the Orch process is stopping');
  }
}

type Invocation = Parameters<CompiledGraph['invoke']>[0];
type CompiledGraph = RunGraph['graph'];

/**
 * One run executing in this process: its compiled graph, checkpointer, record and controls. A
 * session drives the graph until it ends or pauses for a person, then records the outcome:
 * `completed`; `waiting_approval` / `needs_attention` (with what it waits for); `failed` (a rejection,
 * a plan error); `cancelled`; `blocked` when the state folder refused a write (nothing is lost:
 * `run:resume` continues from the last checkpoint once it is fixed); or still `running` when the
 * process stopped it at a checkpoint for shutdown.
 */
export class RunSession {
  readonly env: RunEnvironment;
  readonly compiled: CompiledPlan;
  private readonly graph: CompiledGraph;
  private readonly abort = new AbortController();
  private control?: RunControl;
  private running?: Promise<RunRecord>;

  constructor(private readonly options: RunSessionOptions) {
    const parallelCaps = new Map<string, number>();
    let widest = 0;
    for (const node of walkPlan(options.plan.root)) {
      if (node.type !== 'parallel') continue;
      parallelCaps.set(node.id, Math.min(node.maxConcurrency ?? options.slotPool.limit, options.slotPool.limit));
      widest = Math.max(widest, node.children.length);
    }
    const slots = options.slotPool.forRun(options.live.record.runId, parallelCaps, () => {
      // Shown in the run's status: the leaves that are ready but wait for a slot.
      const queued = slots.queued;
      options.live.record.queued = queued.length > 0 ? queued : undefined;
      options.live.changed().catch(() => undefined);
    });
    // Every leaf waiting for a concurrency slot listens to the run's signal: many at once is normal.
    setMaxListeners(0, this.abort.signal);
    this.env = {
      plan: options.plan,
      live: options.live,
      adapters: options.adapters,
      approvals: options.approvals,
      bus: options.bus,
      logger: options.logger,
      operationsLog: options.operationsLog,
      operator: options.operator,
      signal: this.abort.signal,
      slots,
    };
    allowListenersFor(widest);
    this.compiled = options.graph.compiled;
    this.graph = options.graph.graph;
  }

  get checkpointer(): BaseCheckpointSaver {
    return this.options.checkpointer;
  }

  get record(): RunRecord {
    return this.options.live.record;
  }

  get runId(): string {
    return this.record.runId;
  }

  /** True while the graph is being driven in this process. */
  get active(): boolean {
    return this.running !== undefined;
  }

  /** The most leaf executions seen at once in this run (for the benchmark and tests). */
  get peakConcurrency(): number {
    return this.env.slots.peak;
  }

  private get config() {
    return { configurable: configurableFor(this.runId, this.env), recursionLimit: this.compiled.stepLimit, durability: 'sync' as const };
  }

  /** Runs the plan from the start with these inputs. */
  begin(inputs: Record<string, unknown>): Promise<RunRecord> {
    // A new run: its checkpoint log is empty (nothing to look up before the first step).
    if (this.options.checkpointer instanceof LogCheckpointSaver) this.options.checkpointer.beginThread(this.runId);
    this.options.bus.publish({ type: 'run.started', runId: this.runId, planId: this.record.planId, planVersion: this.record.planVersion, operator: this.options.operator });
    return this.drive({ input: inputs });
  }

  /**
   * Continues from the last checkpoint: re-runs what was in flight, or resumes the named pauses
   * (interrupt id → what was decided; the nodes read the decision from the approval store or the
   * record, the value is kept for the history).
   */
  continue(resume?: Record<string, unknown>): Promise<RunRecord> {
    this.options.bus.publish({ type: 'run.resumed', runId: this.runId, planId: this.record.planId, planVersion: this.record.planVersion });
    return this.drive(resume && Object.keys(resume).length > 0 ? new Command({ resume }) : null);
  }

  /** Waits for the current drive, if any. */
  async settled(): Promise<RunRecord> {
    return this.running ?? this.record;
  }

  /** Cancels the run: adapters are aborted, the run ends `cancelled`. */
  async cancel(operator: string): Promise<RunRecord> {
    this.abort.abort(new RunCancelled(operator));
    return this.settled();
  }

  /**
   * Stops for shutdown: the graph stops at its next superstep boundary (running nodes finish and
   * their outputs reach a checkpoint). After `graceMs`, adapters still running are aborted; the
   * run stays `running` and is resumed by start-up recovery or `run:resume`.
   */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.control?.requestDrain('the Orch process is stopping');
    const timer = setTimeout(() => this.abort.abort(new ShutdownRequested()), graceMs);
    try {
      await this.running;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The pauses LangGraph holds for this run right now. */
  async pendingPauses(): Promise<PendingPause[]> {
    const snapshot = await this.graph.getState(this.config);
    const pauses: PendingPause[] = [];
    for (const task of snapshot.tasks) {
      // A task that paused once and has since finished keeps its old interrupt among the step's
      // pending writes until the step completes: its output says it no longer waits.
      if (task.result !== undefined) continue;
      for (const item of task.interrupts) {
        if (item.id && isPauseReason(item.value)) pauses.push({ interruptId: item.id, reason: item.value });
      }
    }
    return pauses;
  }

  /**
   * Brings a record read from disk up to date with the checkpoints: node changes are written
   * behind the run, so after a crash a node may still say `running` though its output reached a
   * checkpoint (or the pending writes of the step in progress). Such nodes are marked succeeded; the
   * others stay as they are and run again under the same attempt number.
   */
  async reconcile(): Promise<void> {
    const snapshot = await this.graph.getState(this.config);
    const outputs = ((snapshot.values ?? {}) as Partial<RunStateValues>).nodes ?? {};
    const next = new Set(snapshot.next.map((name) => this.compiled.planNodeOf(name)));
    const doneInStep = new Set(snapshot.tasks.filter((t) => t.result !== undefined).map((t) => this.compiled.planNodeOf(t.name)));
    let changed = false;
    for (const [id, entry] of Object.entries(this.record.nodes)) {
      if (entry.status !== 'running') continue;
      if (doneInStep.has(id) || (id in outputs && !next.has(id))) {
        Object.assign(entry, { status: 'succeeded', finishedAt: entry.finishedAt ?? this.record.updatedAt, completions: (entry.completions ?? 0) + 1 });
        closeOpenAttempt(entry, 'succeeded', entry.finishedAt!);
        if (id in outputs && entry.outputSummary === undefined) entry.outputSummary = summarize(outputs[id]);
        changed = true;
      }
    }
    if (changed) this.options.logger.info(`Run ${this.runId}: node states brought up to date from its checkpoints`);
  }

  /** Each node's output at the run's latest checkpoint (a loop's nodes: their latest iteration). */
  async outputs(): Promise<Record<string, unknown>> {
    const snapshot = await this.graph.getState(this.config);
    return ((snapshot.values ?? {}) as Partial<RunStateValues>).nodes ?? {};
  }

  /** The run's checkpoints, newest first. */
  async history(): Promise<RunCheckpointInfo[]> {
    const out: RunCheckpointInfo[] = [];
    for await (const snapshot of this.graph.getStateHistory({ configurable: { thread_id: this.runId } })) {
      const values = (snapshot.values ?? {}) as Partial<RunStateValues>;
      out.push({
        checkpointId: String(snapshot.config.configurable?.checkpoint_id ?? ''),
        createdAt: snapshot.createdAt ?? '',
        step: Number(snapshot.metadata?.step ?? -1),
        next: [...new Set(snapshot.next.map((name) => this.compiled.planNodeOf(name)))],
        nodes: Object.keys(values.nodes ?? {}),
      });
    }
    return out;
  }

  private drive(input: Invocation): Promise<RunRecord> {
    if (this.running) throw new OrchError('conflict', `Run ${this.runId} is already executing in this process`);
    const control = new RunControl();
    this.control = control;
    const record = this.record;
    this.running = (async () => {
      try {
        record.owner = { pid: process.pid, host: hostname(), role: this.options.role, since: new Date().toISOString() };
        Object.assign(record, { status: 'running', error: undefined, finishedAt: undefined, waitingFor: undefined, queued: undefined });
        // JSON mode: the record names its owner before anything runs. Memory mode writes at the end only.
        if (record.mode === 'json') await this.options.live.save();
        else await this.options.live.changed();
        const result = (await this.graph.invoke(input, { ...this.config, control })) as { __interrupt__?: unknown[] } | undefined;
        // Checkpoints may be fsynced at intervals: what the run did is on disk before its record says it stopped.
        if (this.options.checkpointer instanceof LogCheckpointSaver) await this.options.checkpointer.sync(this.runId);
        await this.afterPause(Boolean(result?.__interrupt__?.length));
      } catch (error) {
        await this.afterError(error);
      }
      return record;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** The graph returned: it either finished or every remaining path waits for a person. */
  private async afterPause(interrupted: boolean): Promise<void> {
    const record = this.record;
    const pauses = interrupted ? await this.pendingPauses() : [];
    const ref = { runId: record.runId, planId: record.planId, planVersion: record.planVersion };
    if (pauses.length === 0) {
      await this.finish('completed');
      this.options.bus.publish({ type: 'run.completed', ...ref });
      this.options.logger.info(`Run ${record.runId} completed`);
      return;
    }
    const waitingFor: RunWait = { approvals: [], attention: [] };
    for (const { reason } of pauses) {
      if (reason.kind === 'approval') waitingFor.approvals.push({ approvalId: reason.approvalId, nodeId: reason.nodeId, title: reason.title });
      else waitingFor.attention.push({ nodeId: reason.nodeId, error: reason.error });
    }
    const status = waitingFor.attention.length > 0 ? 'needs_attention' : 'waiting_approval';
    Object.assign(record, { status, waitingFor, owner: undefined, queued: undefined });
    await this.options.live.save();
    for (const item of waitingFor.attention) this.options.bus.publish({ type: 'run.needs_attention', ...ref, nodeId: item.nodeId, error: item.error });
    const reason = [
      ...waitingFor.approvals.map((a) => `approval of ${a.nodeId} (${a.approvalId})`),
      ...waitingFor.attention.map((a) => `a person for ${a.nodeId}`),
    ].join(', ');
    this.options.bus.publish({ type: 'run.waiting', ...ref, reason: `waiting for ${reason}`, status });
    this.options.logger.info(`Run ${record.runId} waits for ${reason}`);
  }

  private async afterError(error: unknown): Promise<void> {
    const record = this.record;
    const ref = { runId: record.runId, planId: record.planId, planVersion: record.planVersion };
    const reason = this.abort.signal.aborted ? this.abort.signal.reason : undefined;
    if (isGraphDrained(error) || reason instanceof ShutdownRequested) {
      record.owner = undefined;
      await this.saveQuietly();
      this.options.logger.info(`Run ${record.runId} stopped at a checkpoint because the process is stopping; it resumes on the next start or with run:resume`);
      return;
    }
    if (reason instanceof RunCancelled) {
      await this.finish('cancelled', undefined, 'cancelled');
      this.options.bus.publish({ type: 'run.cancelled', ...ref });
      this.options.logger.info(`Run ${record.runId} cancelled by ${reason.operator}`);
      return;
    }
    const writeFailure = findWriteFailure(error);
    if (writeFailure) {
      const message = `${describeError(writeFailure)} — nothing was lost: free space or fix permissions of the state folder, then \`orch run:resume ${record.runId}\``;
      Object.assign(record, { status: 'blocked', error: message, owner: undefined });
      this.options.logger.error(`Run ${record.runId} is blocked: ${message}`);
      this.options.bus.publish({ type: 'run.blocked', ...ref, error: message });
      await this.saveQuietly();
      return;
    }
    let message: string;
    if (error instanceof RunFailure) message = error.message;
    else if (error instanceof GraphRecursionError) {
      message = `the run took more than ${this.compiled.stepLimit} steps, the most this plan can need; a loop may not be advancing`;
    } else {
      message = describeError(error);
      this.options.logger.error(`Run ${record.runId} failed unexpectedly: ${message}`, { stack: (error as Error)?.stack });
    }
    await this.finish('failed', message, 'cancelled');
    this.options.bus.publish({ type: 'run.failed', ...ref, error: message });
    this.options.logger.warn(`Run ${record.runId} failed: ${message}`);
  }

  /** Final status; nodes still in flight take `leftover`. */
  private async finish(status: 'completed' | 'failed' | 'cancelled', error?: string, leftover?: 'cancelled'): Promise<void> {
    const record = this.record;
    const now = new Date().toISOString();
    if (leftover) {
      for (const node of Object.values(record.nodes)) {
        if (['running', 'retrying', 'waiting_approval', 'needs_attention'].includes(node.status)) node.status = leftover;
        closeOpenAttempt(node, leftover, now);
      }
    }
    Object.assign(record, { status, error, finishedAt: now, owner: undefined, waitingFor: undefined, queued: undefined });
    await this.saveQuietly();
    const cancelled = this.abort.signal.reason instanceof RunCancelled ? ` by ${this.abort.signal.reason.operator}` : '';
    const reason =
      status === 'cancelled' ? `run ${record.runId} was cancelled${cancelled}` : status === 'failed' ? `run ${record.runId} failed: ${error ?? 'unknown error'}` : `run ${record.runId} completed without this decision`;
    await withdrawOpenApprovals(this.options.approvals, record.runId, status, reason, this.options.logger);
  }

  /** Writes the record; when even that fails the run is reported blocked in memory and in the log. */
  private async saveQuietly(): Promise<void> {
    try {
      await this.options.live.save();
    } catch (error) {
      const record = this.record;
      if (record.status !== 'blocked') {
        record.error = `${describeError(error)} — the run's record could not be written (it was going to be "${record.status}"); fix the state folder, then \`orch run:resume ${record.runId}\``;
        record.status = 'blocked';
      }
      this.options.logger.error(`Could not write the record of run ${record.runId}: ${describeError(error)}`);
    }
  }
}

/**
 * LangGraph races each task of a step against one abort signal it creates per step, so a parallel
 * node with more than ten children trips Node's "possible memory leak" warning on every run. The
 * default limit for new signals is raised to the widest parallel seen (never lowered).
 */
function allowListenersFor(tasks: number): void {
  const wanted = tasks + 10;
  if (getMaxListeners(new AbortController().signal) < wanted) setMaxListeners(wanted);
}

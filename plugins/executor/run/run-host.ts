import { hostname } from 'node:os';
import { join } from 'node:path';
import type { BaseCheckpointSaver } from '@langchain/langgraph';
import { describeError, isAlive, OrchError, type EventBus, type Logger, type Paths, type ProcessContext } from '../../../kernel/index.js';
import type { ApprovalStore } from '../../approvals/api/index.js';
import { FINISHED_RUN_STATUSES, type RunRecord, type RunStatus } from '../api/index.js';
import type { NodeAdapterRegistry, Plan, PlanSaver, PlanStore, PlanValidator } from '../../plans/api/index.js';
import type { CorruptCheckpoint, LogCheckpointSaver } from '../checkpoint/log-checkpoint-saver.js';
import type { ObjectCheckpointSaver } from '../checkpoint/object-checkpoint-saver.js';
import { loadGraphRuntime } from './graph-runtime-loader.js';
import { OperationsLog } from './operations-log.js';
import { planVersionKey } from './plan-version-key.js';
import { refuseUnrunnable } from './runnable-check.js';
import { CHECKPOINTS_KEPT, type ExecutorSettings } from './executor-settings.js';
import { RunJournals } from './run-journal.js';
import { LiveRecord, RunRecords } from './run-records.js';
import type { RunGraphs } from './run-graphs.js';
import type { RunSession } from './run-session.js';
import { SecretInputFiles } from './secret-inputs.js';
import { SlotPool } from './slot-pool.js';

/** Plan versions remembered as runnable, at most (then forgotten and checked again). */
const RUNNABLE_KEPT = 200;

/** What the run service is built from (its injected services and settings). */
export interface RunHostParts {
  paths: Paths;
  bus: EventBus;
  /** Lines carry `category: executor`. */
  logger: Logger;
  processContext: ProcessContext;
  settings: ExecutorSettings;
  plans: { store: PlanStore; validator: PlanValidator; saver: PlanSaver };
  registry: NodeAdapterRegistry;
  approvals: ApprovalStore | undefined;
}

/**
 * What every run operation of this process shares — start, resume, cancel, replay, recovery: the
 * records and journals on disk, the sessions executing here, one queue of work per run, and the
 * checkpoint store. The LangGraph part (sessions, checkpoint store) is loaded on first use.
 */
export class RunHost {
  readonly records: RunRecords;
  readonly secretInputs: SecretInputFiles;
  readonly operationsLog: OperationsLog;
  /** `state/runs/<runId>/events.jsonl` of the JSON-mode runs this process executes. */
  readonly journals: RunJournals;
  /** The process's concurrency slots, shared fairly by every run executing here. */
  readonly slots: SlotPool;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly plans: RunHostParts['plans'];
  readonly registry: NodeAdapterRegistry;
  readonly approvals: ApprovalStore | undefined;
  /** The runs executing in this process (a paused memory-mode run stays here until it ends). */
  readonly sessions = new Map<string, RunSession>();
  /** Work on one run, one piece at a time (approval decisions arriving together, resume vs cancel). */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly processContext: ProcessContext;
  private readonly checkpointsFolder: string;
  private readonly settings: ExecutorSettings;
  private checkpointStore?: Promise<LogCheckpointSaver>;
  /** Memory-mode runs executing here share one saver, each in its own thread (dropped in `leave`). */
  private memorySaver?: ObjectCheckpointSaver;
  /** Plan versions found runnable here (`refuseUnrunnable`). */
  private readonly runnable = new Set<string>();
  /** Each plan version's compiled graph, reused by its next runs here. */
  private graphs?: RunGraphs;

  constructor(parts: RunHostParts) {
    this.bus = parts.bus;
    this.logger = parts.logger;
    this.plans = parts.plans;
    this.registry = parts.registry;
    this.approvals = parts.approvals;
    this.processContext = parts.processContext;
    this.settings = parts.settings;
    this.slots = new SlotPool(parts.settings.maxConcurrency);
    this.records = new RunRecords(parts.paths.state('runs'));
    this.secretInputs = new SecretInputFiles(parts.paths.state('secrets'));
    this.operationsLog = new OperationsLog(join(parts.paths.home, '.codex', 'operations-log.md'));
    this.checkpointsFolder = parts.paths.state('checkpoints');
    this.journals = new RunJournals(
      (runId) => this.journalFileOf(runId),
      (runId, error) => this.logger.warn(`Could not append to the event journal of run ${runId}: ${describeError(error)}`, { runId }),
    );
    parts.bus.subscribe((event) => this.journals.record(event));
  }

  /** Who this process acts as when nobody asked (recovery, a resume after an approval). */
  get operator(): string {
    return this.processContext.operator;
  }

  /** `state/runs/<runId>/events.jsonl`. */
  journalFileOf(runId: string): string {
    this.records.fileOf(runId); // refuses a malformed id
    return join(this.records.folder, runId, 'events.jsonl');
  }

  /** The JSON checkpoint store (`state/checkpoints/`), opened with the LangGraph part on first use. */
  checkpointer(): Promise<LogCheckpointSaver> {
    this.checkpointStore ??= loadGraphRuntime().then(
      ({ LogCheckpointSaver }) =>
        new LogCheckpointSaver(this.checkpointsFolder, {
          keep: CHECKPOINTS_KEPT,
          onCorrupt: (event) => this.onCorruptCheckpoint(event),
          sync: this.settings.checkpointSync,
          syncIntervalMs: this.settings.checkpointSyncIntervalMs,
        }),
    );
    return this.checkpointStore;
  }

  /** Writes what the checkpoint store holds back, if this process ever opened it. */
  async flushCheckpoints(): Promise<void> {
    if (this.checkpointStore) await (await this.checkpointStore).flush();
  }

  /**
   * A session for `record` (its graph compiled for `plan`). Registered as executing here unless
   * `register` is false (a look at a run's checkpoints: history, outputs, a replay's source).
   * `fresh`: a new run (started or replayed), with no record on disk yet.
   */
  async openSession(plan: Plan, record: RunRecord, operator: string, options: { register?: boolean; fresh?: boolean } = {}): Promise<RunSession> {
    const { RunSession, ObjectCheckpointSaver, RunGraphs } = await loadGraphRuntime();
    this.graphs ??= new RunGraphs(this.registry.asMap());
    const checkpointer: BaseCheckpointSaver = record.mode === 'memory' ? (this.memorySaver ??= new ObjectCheckpointSaver({ keep: CHECKPOINTS_KEPT })) : await this.checkpointer();
    this.secretInputs.know(record.runId);
    if (record.replayOf) this.secretInputs.know(record.replayOf.runId);
    const session = new RunSession({
      plan,
      live: new LiveRecord(record, this.records, { fresh: options.fresh }),
      graph: this.graphs.of(plan, checkpointer),
      checkpointer,
      adapters: this.registry.asMap(),
      approvals: this.approvals,
      bus: this.bus,
      logger: this.logger.child({ runId: record.runId, planId: plan.id }),
      operationsLog: this.operationsLog,
      operator,
      role: this.processContext.role,
      slotPool: this.slots,
    });
    if (options.register !== false) {
      this.sessions.set(record.runId, session);
      if (record.mode === 'json') this.journals.track(record.runId);
    }
    return session;
  }

  /**
   * The session stops executing here (finished, or a JSON run that lives on disk until resumed);
   * a memory run's checkpoints go with it, as they would with its process, and a JSON run's log
   * leaves memory (it is read from its file when needed again).
   */
  leave(session: RunSession): void {
    if (this.sessions.get(session.runId) === session) this.sessions.delete(session.runId);
    if (session.record.mode === 'memory') void this.memorySaver?.deleteThread(session.runId);
    else void this.checkpointStore?.then((saver) => saver.letGo(session.runId)).catch(() => undefined);
  }

  /**
   * Refuses a plan version this process cannot run (`refuseUnrunnable`), checking each version once:
   * the check depends only on the plan and on the adapters and plugins loaded, which do not change
   * while the process runs — and it parses every leaf's params, O(nodes) per run.
   */
  refuseUnrunnable(plan: Plan): void {
    const key = planVersionKey(plan);
    if (this.runnable.has(key)) return;
    refuseUnrunnable(plan, this.plans.validator, this.approvals !== undefined);
    if (this.runnable.size >= RUNNABLE_KEPT) this.runnable.clear();
    this.runnable.add(key);
  }

  /** The stored plan version a run executes. */
  planOf(record: RunRecord): Promise<Plan> {
    return this.plans.store.get(record.planId, record.planVersion);
  }

  /** Runs `work` after every earlier piece of work on this run has settled. */
  enqueue<T>(runId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(runId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    const tail = next.catch(() => undefined);
    this.queues.set(runId, tail);
    void tail.then(() => {
      if (this.queues.get(runId) === tail) this.queues.delete(runId);
    });
    return next;
  }

  /** A claim on the run for this process, as its record states it. */
  ownerHere(): NonNullable<RunRecord['owner']> {
    return { pid: process.pid, host: hostname(), role: this.processContext.role, since: new Date().toISOString() };
  }

  refuseFinished(record: RunRecord): void {
    if (isFinished(record.status)) {
      throw new OrchError('conflict', `Run ${record.runId} is ${record.status}; there is nothing to resume (\`orch run:replay ${record.runId}\` runs it again from a checkpoint)`);
    }
  }

  /** Another live process on this machine executes the run: act on it there. */
  refuseForeignOwner(record: RunRecord): void {
    const owner = record.owner;
    if (!owner || owner.pid === process.pid || owner.host !== hostname() || !isAlive(owner.pid)) return;
    throw new OrchError(
      'conflict',
      `Run ${record.runId} is being executed by process ${owner.pid} (${owner.role}, since ${owner.since}); act on it there${owner.role === 'server' ? ' — the CLI reaches the server when it answers at state/server.json' : ''}`,
    );
  }

  private onCorruptCheckpoint(event: CorruptCheckpoint): void {
    const message = `Checkpoint ${event.checkpointId} of run ${event.threadId} was corrupt (${event.reason}); it was moved to ${event.movedTo} and the run continues from the checkpoint before it`;
    this.logger.warn(message, { runId: event.threadId, file: event.file });
    const session = this.sessions.get(event.threadId);
    if (session) (session.record.warnings ??= []).push(message);
  }
}

/** Completed, failed or cancelled: nothing more happens to the run. */
export function isFinished(status: RunStatus): boolean {
  return (FINISHED_RUN_STATUSES as readonly string[]).includes(status);
}

/** What a caller gets: a copy, so later changes of the live record do not show through. */
export function snapshot(record: RunRecord): RunRecord {
  return structuredClone(record);
}

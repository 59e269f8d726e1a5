import { hostname } from 'node:os';
import { join } from 'node:path';
import { MemorySaver, type BaseCheckpointSaver } from '@langchain/langgraph';
import { inject, injectable, optional } from 'inversify';
import { z } from 'zod';
import { Config, describeError, EventBus, isAlive, isOrchError, Logger, OrchError, Paths, ProcessContext } from '../../../kernel/index.js';
import { ApprovalStore } from '../../approvals/api/index.js';
import { FINISHED_RUN_STATUSES, type ResumeOptions, type RunCheckpointInfo, type RunListItem, type RunRecord, type RunService, type StartRunOptions } from '../api/index.js';
import { NodeAdapterRegistry, PlanSaver, PlanStore, PlanValidator, walkPlan, type NodeAdapter, type LeafNode, type Plan, type PlanDocument } from '../../plans/api/index.js';
import { LogCheckpointSaver, type CorruptCheckpoint } from '../checkpoint/log-checkpoint-saver.js';
import { OperationsLog } from './operations-log.js';
import { resolveInputs } from './plan-inputs.js';
import { SecretInputFiles, splitSecretInputs } from './secret-inputs.js';
import { requiresApproval } from './run-environment.js';
import { toListItem } from '../http/run-list-page.js';
import { RunJournals } from './run-journal.js';
import { RunListIndex } from './run-list-index.js';
import { LiveRecord, RunRecords } from './run-records.js';
import { RunSession } from './run-session.js';
import { SlotPool } from './slot-pool.js';
import { withdrawOpenApprovals } from './withdraw-approvals.js';
import { cancelledRecord } from './run-cancel.js';
import { newRunId } from './run-id.js';
import { recoverRuns } from './run-recovery.js';
import { CHECKPOINTS_KEPT, pickCheckpoint, replayRecord } from './run-replay.js';

export { CHECKPOINTS_KEPT };

/** At most this many leaf executions at once per process unless `executor.maxConcurrency` says otherwise (the mission's limit). */
export const MAX_CONCURRENCY = 10;

/** The `executor` section of `config/orch.json`, owned by this plugin. */
export const ExecutorSettingsSchema = z.strictObject({
  /** Leaf executions at once in one Orch process, over every run it executes; each parallel's `maxConcurrency` applies under it. */
  maxConcurrency: z.number().int().min(1).max(100).default(MAX_CONCURRENCY),
});
export type ExecutorSettings = z.output<typeof ExecutorSettingsSchema>;
/** How long a stopping process lets running nodes reach a checkpoint before aborting them. */
export const STOP_GRACE_MS = 10_000;

/**
 * The Executor (`RunService`): starts runs of stored plan versions, keeps their records in
 * `state/runs/`, their checkpoints in `state/checkpoints/<runId>/` (or LangGraph's MemorySaver in
 * memory mode), and resumes, cancels, replays and lists them. One process executes a run at a time:
 * the record names its owner, and a live owner's run is refused to others.
 */
@injectable()
export class ExecutorRunService implements RunService {
  readonly records: RunRecords;
  private readonly secretInputs: SecretInputFiles;
  readonly checkpointer: LogCheckpointSaver;
  readonly operationsLog: OperationsLog;
  /** `state/runs/<runId>/events.jsonl` of the JSON-mode runs this process executes. */
  readonly journals: RunJournals;
  /** What lists show of the runs on file, parsed again only when a record changed. */
  private readonly listIndex: RunListIndex;
  private readonly logger: Logger;
  private readonly sessions = new Map<string, RunSession>();
  /** The process's concurrency slots, shared fairly by every run executing here. */
  readonly slots: SlotPool;
  /** Work on one run, one piece at a time (approval decisions arriving together, resume vs cancel). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    @inject(Paths) paths: Paths,
    @inject(EventBus) private readonly bus: EventBus,
    @inject(Logger) logger: Logger,
    @inject(ProcessContext) private readonly processContext: ProcessContext,
    @inject(Config) config: Config,
    @inject(PlanStore) @optional() private readonly planStore: PlanStore | undefined,
    @inject(PlanValidator) @optional() private readonly validator: PlanValidator | undefined,
    @inject(PlanSaver) @optional() private readonly saver: PlanSaver | undefined,
    @inject(ApprovalStore) @optional() private readonly approvals: ApprovalStore | undefined,
    @inject(NodeAdapterRegistry) private readonly registry: NodeAdapterRegistry,
  ) {
    this.logger = logger.child({ category: 'executor' });
    this.slots = new SlotPool(config.section('executor', ExecutorSettingsSchema).maxConcurrency);
    this.records = new RunRecords(paths.state('runs'));
    this.secretInputs = new SecretInputFiles(paths.state('secrets'));
    this.operationsLog = new OperationsLog(join(paths.home, '.codex', 'operations-log.md'));
    this.checkpointer = new LogCheckpointSaver(paths.state('checkpoints'), {
      keep: CHECKPOINTS_KEPT,
      onCorrupt: (event) => this.onCorruptCheckpoint(event),
    });
    this.journals = new RunJournals(
      (runId) => this.journalFileOf(runId),
      (runId, error) => this.logger.warn(`Could not append to the event journal of run ${runId}: ${describeError(error)}`, { runId }),
    );
    bus.subscribe((event) => this.journals.record(event));
    this.listIndex = new RunListIndex(this.records, (runId, message) => this.logger.warn(`Skipping a malformed run record: ${message}`, { runId }));
  }

  async listItems(): Promise<RunListItem[]> {
    const byId = new Map((await this.listIndex.items()).map((item) => [item.runId, item]));
    for (const session of this.sessions.values()) byId.set(session.runId, toListItem(session.record));
    return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.runId.localeCompare(a.runId));
  }

  /** `state/runs/<runId>/events.jsonl`. */
  journalFileOf(runId: string): string {
    this.records.fileOf(runId); // refuses a malformed id
    return join(this.records.folder, runId, 'events.jsonl');
  }

  /**
   * Each node's output at the run's latest checkpoint, or undefined when the checkpoints are gone
   * (a memory-mode run of another process).
   */
  async latestOutputs(runId: string): Promise<Record<string, unknown> | undefined> {
    const live = this.sessions.get(runId);
    if (live) return live.outputs();
    const record = await this.records.get(runId);
    if (record.mode === 'memory') return undefined;
    return this.createSession(await this.planOf(record), record, this.processContext.operator, { register: false }).outputs();
  }

  async start(plan: { planId: string; version?: number } | { document: unknown; source?: string }, options: StartRunOptions): Promise<RunRecord> {
    const resolved = await this.resolvePlan(plan, options.operator);
    this.checkRunnable(resolved);
    const given = resolveInputs(resolved, options.inputs ?? {}, { fromText: options.inputsAsText });
    const now = new Date().toISOString();
    const runId = newRunId(now);
    // Inputs declared secret stay out of the record and the checkpoints (see secret-inputs.ts).
    const { shown, state: inputs, secrets } = splitSecretInputs(resolved, runId, given);
    await this.secretInputs.keep(runId, secrets, !options.memory);
    const record: RunRecord = {
      runId,
      planId: resolved.id,
      planVersion: resolved.version,
      planName: resolved.name,
      leafCount: [...walkPlan(resolved.root)].filter(isLeaf).length,
      status: 'running',
      mode: options.memory ? 'memory' : 'json',
      operator: options.operator,
      inputs: shown,
      createdAt: now,
      updatedAt: now,
      nodes: {},
    };
    const session = this.createSession(resolved, record, options.operator);
    this.logger.info(`Run ${record.runId} of plan ${resolved.id} v${resolved.version} starting (${record.mode} mode)`, {
      runId: record.runId,
      planId: resolved.id,
      operator: options.operator,
    });
    const done = this.enqueue(record.runId, async () => this.afterDrive(session, await session.begin(inputs)));
    if (options.wait === false) {
      done.catch(() => undefined);
      return snapshot(record);
    }
    return snapshot(await done);
  }

  async get(runId: string): Promise<RunRecord> {
    const live = this.sessions.get(runId);
    return snapshot(live ? live.record : await this.records.get(runId));
  }

  async list(): Promise<RunRecord[]> {
    const onDisk = await this.records.list((file, message) => this.logger.warn(`Skipping a malformed run record: ${message}`, { file }));
    const byId = new Map(onDisk.map((r) => [r.runId, r]));
    for (const session of this.sessions.values()) byId.set(session.runId, session.record);
    return [...byId.values()].map(snapshot).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  resume(runId: string, options: ResumeOptions): Promise<RunRecord> {
    const work = this.enqueue(runId, () => this.resumeNow(runId, options));
    if (options.wait === false) {
      work.catch(() => undefined);
      return this.get(runId);
    }
    return work.then(snapshot);
  }

  async cancel(runId: string, options: { operator: string }): Promise<RunRecord> {
    const live = this.sessions.get(runId);
    if (live?.active) return snapshot(await live.cancel(options.operator));
    return this.enqueue(runId, async () => {
      const session = this.sessions.get(runId);
      const record = session ? session.record : await this.records.get(runId);
      if ((FINISHED_RUN_STATUSES as readonly string[]).includes(record.status)) {
        throw new OrchError('conflict', `Run ${runId} is already ${record.status}; there is nothing to cancel`);
      }
      this.refuseForeignOwner(record);
      const cancel = (r: RunRecord): RunRecord => cancelledRecord(r, options.operator);
      let result: RunRecord;
      if (session) {
        Object.assign(session.record, cancel(session.record));
        await session.env.live.save();
        this.sessions.delete(runId);
        result = session.record;
      } else {
        result = await this.records.update(runId, cancel);
      }
      this.bus.publish({ type: 'run.cancelled', runId, planId: result.planId, planVersion: result.planVersion });
      this.logger.info(`Run ${runId} cancelled by ${options.operator}`, { runId, operator: options.operator });
      await withdrawOpenApprovals(this.approvals, runId, 'cancelled', `run ${runId} was cancelled by ${options.operator}`, this.logger);
      return snapshot(result);
    });
  }

  async replay(runId: string, options: { from?: string; operator: string; wait?: boolean }): Promise<RunRecord> {
    const source = await this.get(runId);
    if (source.mode === 'memory' && !this.sessions.has(runId)) {
      throw new OrchError('conflict', `Run ${runId} ran in memory mode; its checkpoints ended with the process that ran it`);
    }
    const plan = await this.planOf(source);
    const sourceSession = this.sessions.get(runId) ?? this.createSession(plan, source, options.operator, { register: false });
    const history = await sourceSession.history();
    if (history.length === 0) throw new OrchError('not_found', `Run ${runId} has no checkpoints to replay from`);
    const checkpoint = pickCheckpoint(history, options.from, runId);
    const saver = source.mode === 'memory' ? sourceSession.checkpointer : this.checkpointer;
    const tuple = await saver.getTuple({ configurable: { thread_id: runId, checkpoint_ns: '', checkpoint_id: checkpoint.checkpointId } });
    if (!tuple) throw new OrchError('not_found', `Checkpoint ${checkpoint.checkpointId} of run ${runId} is gone`);

    const record = replayRecord(source, checkpoint, options);
    // The fork: the chosen checkpoint, with every channel value, becomes the new run's first one.
    const versions = tuple.checkpoint.channel_versions;
    await this.checkpointer.put(
      { configurable: { thread_id: record.runId, checkpoint_ns: '' } },
      tuple.checkpoint,
      { ...(tuple.metadata ?? { step: checkpoint.step, parents: {} }), source: 'fork' } as never,
      versions,
    );
    const session = this.createSession(plan, record, options.operator);
    this.logger.info(`Run ${record.runId} replays run ${runId} from checkpoint ${checkpoint.checkpointId} (step ${checkpoint.step})`, {
      runId: record.runId,
      replayOf: runId,
    });
    this.bus.publish({ type: 'run.started', runId: record.runId, planId: record.planId, planVersion: record.planVersion, operator: options.operator });
    const done = this.enqueue(record.runId, async () => this.afterDrive(session, await session.continue()));
    if (options.wait === false) {
      done.catch(() => undefined);
      return snapshot(record);
    }
    return snapshot(await done);
  }

  async history(runId: string): Promise<RunCheckpointInfo[]> {
    const live = this.sessions.get(runId);
    if (live) return live.history();
    const record = await this.records.get(runId);
    if (record.mode === 'memory') throw new OrchError('conflict', `Run ${runId} ran in memory mode; its checkpoints ended with the process that ran it`);
    const plan = await this.planOf(record);
    return this.createSession(plan, record, this.processContext.operator, { register: false }).history();
  }

  /** The most leaf executions seen at once over every run of this process (tests, benchmark). */
  get processPeakConcurrency(): number {
    return this.slots.peak;
  }

  /** The most leaf executions seen at once in a run executing in this process (tests, benchmark). */
  peakConcurrency(runId: string): number | undefined {
    return this.sessions.get(runId)?.peakConcurrency;
  }

  /**
   * Start-up recovery of the long-running process (see `run-recovery.ts`): runs left running by a
   * process that is gone, and paused runs whose approvals were decided meanwhile, continue.
   */
  recover(): Promise<string[]> {
    return recoverRuns({
      records: this.records,
      approvals: this.approvals,
      logger: this.logger,
      operator: this.processContext.operator,
      isLive: (runId) => this.sessions.has(runId),
      resume: (runId, options) => this.resume(runId, options),
    });
  }

  /** An approval was decided (here, in the CLI, over REST or in the GUI): the run goes on. */
  onApprovalResolved(runId: string): void {
    void this.records
      .read(runId)
      .then(async (record) => {
        const live = this.sessions.get(runId);
        const status = live ? live.record.status : record?.status;
        if (!status || (FINISHED_RUN_STATUSES as readonly string[]).includes(status)) return;
        if (live?.active) await live.settled();
        await this.resume(runId, { operator: this.processContext.operator });
      })
      .catch((error) => {
        // Another process executes the run: it looks at the decisions itself when its step ends.
        if (isOrchError(error) && error.code === 'conflict') this.logger.info(`Run ${runId} not resumed here after an approval: ${error.message}`, { runId });
        else this.logger.error(`Could not resume run ${runId} after an approval: ${describeError(error)}`, { runId });
      });
  }

  /** Lets running nodes reach a checkpoint, then stops (the process is shutting down). */
  async stopAll(graceMs = STOP_GRACE_MS): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => session.stop(graceMs)));
    await Promise.all([...this.sessions.values()].map((session) => session.env.live.idle()));
    // A memory-mode run still waiting for a person ends with this process: its approvals are withdrawn.
    for (const session of this.sessions.values()) {
      const record = session.record;
      if (record.mode !== 'memory' || (FINISHED_RUN_STATUSES as readonly string[]).includes(record.status)) continue;
      const reason = `run ${record.runId} ran in memory mode and its process (pid ${process.pid}) stopped; it cannot be resumed`;
      await withdrawOpenApprovals(this.approvals, record.runId, record.status, reason, this.logger);
    }
    await this.checkpointer.flush();
    await this.journals.flushAll();
  }

  private async resumeNow(runId: string, options: ResumeOptions, depth = 0): Promise<RunRecord> {
    let session = this.sessions.get(runId);
    if (session?.active) throw new OrchError('conflict', `Run ${runId} is executing right now`);
    if (!session) {
      const record = await this.records.get(runId);
      if (record.mode === 'memory') {
        throw new OrchError('conflict', `Run ${runId} ran in memory mode in a process that has ended; its state is gone. Start the plan again.`);
      }
      this.refuseFinished(record);
      const claimed = await this.records.update(runId, (current) => {
        this.refuseFinished(current);
        this.refuseForeignOwner(current);
        return { ...current, owner: { pid: process.pid, host: hostname(), role: this.processContext.role, since: new Date().toISOString() } };
      });
      session = this.createSession(await this.planOf(claimed), claimed, options.operator);
      await session.reconcile();
    }
    this.refuseFinished(session.record);
    const record = session.record;
    const pauses = await session.pendingPauses();
    const resume: Record<string, unknown> = {};
    const handled = new Set<string>();
    const skippedApprovals: string[] = [];
    for (const { interruptId, reason } of pauses) {
      const entry = record.nodes[reason.nodeId];
      if (reason.kind === 'approval') {
        const approval = await this.approvals?.get(reason.approvalId);
        if (approval?.decision) resume[interruptId] = approval.decision;
        else if (options.skipNode === reason.nodeId && entry) {
          Object.assign(entry, { status: 'skipped', decidedBy: options.operator, finishedAt: new Date().toISOString() });
          resume[interruptId] = { skip: true, operator: options.operator };
          handled.add(reason.nodeId);
          skippedApprovals.push(reason.approvalId);
        }
      } else if (entry && options.retryNode === reason.nodeId) {
        Object.assign(entry, { status: 'retrying', attemptsBeforeRetry: entry.attempts, decidedBy: options.operator });
        resume[interruptId] = { action: 'retry', operator: options.operator };
        handled.add(reason.nodeId);
      } else if (entry && options.skipNode === reason.nodeId) {
        Object.assign(entry, { status: 'skipped', decidedBy: options.operator, finishedAt: new Date().toISOString() });
        resume[interruptId] = { action: 'skip', operator: options.operator };
        handled.add(reason.nodeId);
      }
    }
    for (const [option, nodeId] of [
      ['--retry-node', options.retryNode],
      ['--skip-node', options.skipNode],
    ] as const) {
      if (nodeId && !handled.has(nodeId)) {
        const waiting = pauses.map((p) => `${p.reason.nodeId} (${p.reason.kind === 'approval' ? 'approval' : 'needs attention'})`);
        throw new OrchError(
          'invalid_input',
          `${option} ${nodeId}: node "${nodeId}" of run ${runId} is not waiting for a person${waiting.length ? `; waiting: ${waiting.join(', ')}` : ''}`,
        );
      }
    }
    const crashed = record.status === 'running' || record.status === 'blocked';
    if (pauses.length > 0 && Object.keys(resume).length === 0 && !crashed) {
      // Nothing decided yet: the run keeps waiting (and this process lets go of it).
      record.owner = undefined;
      await session.env.live.save();
      if (record.mode === 'json') this.sessions.delete(runId);
      return record;
    }
    for (const nodeId of handled) {
      const decision = options.retryNode === nodeId ? 'retry' : 'skip';
      this.logger.info(`Node ${nodeId} of run ${runId}: ${decision} decided by ${options.operator}`, { runId, nodeId, operator: options.operator });
      if (decision === 'skip') this.bus.publish({ type: 'node.skipped', runId, nodeId, reason: `skipped by ${options.operator}` });
    }
    // A gate skipped without a decision: nobody may decide its approval any more.
    if (skippedApprovals.length > 0) {
      const reason = `node ${options.skipNode} was skipped by ${options.operator} (run:resume --skip-node); run ${runId} goes on without it`;
      await withdrawOpenApprovals(this.approvals, runId, record.status, reason, this.logger, skippedApprovals);
    }
    this.logger.info(`Run ${runId} resuming${Object.keys(resume).length ? ` (${Object.keys(resume).length} decision(s))` : ' from its last checkpoint'}`, {
      runId,
      operator: options.operator,
    });
    return this.afterDrive(session, await session.continue(resume), depth);
  }

  private async afterDrive(session: RunSession, record: RunRecord, depth = 0): Promise<RunRecord> {
    if ((FINISHED_RUN_STATUSES as readonly string[]).includes(record.status)) await this.secretInputs.forget(record.runId);
    // An approval decided while the step that asked for it was still running: go on at once.
    if (record.status === 'waiting_approval' && this.approvals && depth < 5) {
      const decided = await Promise.all((record.waitingFor?.approvals ?? []).map((a) => this.approvals!.get(a.approvalId).catch(() => undefined)));
      if (decided.some((a) => a?.decision)) return this.resumeNow(record.runId, { operator: this.processContext.operator }, depth + 1);
    }
    // JSON runs live on disk between drives; memory runs exist only in this process, so a paused
    // one stays here until it finishes.
    if (record.mode === 'json' || (FINISHED_RUN_STATUSES as readonly string[]).includes(record.status)) {
      if (!session.active && this.sessions.get(session.runId) === session) this.sessions.delete(session.runId);
    }
    return record;
  }

  private createSession(plan: Plan, record: RunRecord, operator: string, options: { register?: boolean } = {}): RunSession {
    this.secretInputs.know(record.runId);
    if (record.replayOf) this.secretInputs.know(record.replayOf.runId);
    const live = new LiveRecord(record, this.records);
    const checkpointer: BaseCheckpointSaver = record.mode === 'memory' ? new MemorySaver() : this.checkpointer;
    const session = new RunSession({
      plan,
      live,
      checkpointer,
      adapters: this.adapters(),
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

  /** The node adapters by key, from the one registry (a duplicate key was refused at boot). */
  private adapters(): ReadonlyMap<string, NodeAdapter> {
    return this.registry.asMap();
  }

  private async resolvePlan(plan: { planId: string; version?: number } | { document: unknown; source?: string }, operator: string): Promise<Plan> {
    const store = this.requirePlanStore();
    if ('planId' in plan) return store.get(plan.planId, plan.version);
    const document: PlanDocument = this.validator
      ? await this.validator.validate(plan.document, { source: plan.source })
      : (() => {
          throw new OrchError('unavailable', 'Cannot check a plan document: no plan validator is loaded (enable the plans plugin)');
        })();
    // Running a file pins a stored version: the active one when the content is the same (the plans
    // plugin's one rule, as plan:save applies it), else a new one.
    const origin = `run${plan.source ? ` of ${plan.source}` : ''}`;
    if (this.saver) return (await this.saver.save(document, { operator, origin, check: false, source: plan.source })).plan;
    return store.save(document, { operator, origin });
  }

  private async planOf(record: RunRecord): Promise<Plan> {
    return this.requirePlanStore().get(record.planId, record.planVersion);
  }

  private requirePlanStore(): PlanStore {
    if (!this.planStore) throw new OrchError('unavailable', 'No plan store is loaded (the executor needs the plans plugin)');
    return this.planStore;
  }

  /** Every leaf has an adapter, and approval nodes have a store to ask — checked before anything runs. */
  /** The dry run's adapter check (the registry's own sentence), plus: approvals are loaded when a node needs one. */
  private checkRunnable(plan: Plan): void {
    const missing: string[] = [];
    let needsApprovals = false;
    for (const node of walkPlan(plan.root)) {
      if (!isLeaf(node)) continue;
      const adapter = this.registry.forNode(node);
      if (node.type !== 'human_approval' && !adapter) missing.push(`node ${node.id}: ${this.registry.missingAdapter(node)}`);
      if (requiresApproval(node, adapter)) needsApprovals = true;
    }
    if (missing.length > 0) {
      throw new OrchError('invalid_input', `Plan ${plan.id} v${plan.version} cannot run: ${missing.join('; ')}`);
    }
    if (needsApprovals && !this.approvals) {
      throw new OrchError('invalid_input', `Plan ${plan.id} v${plan.version} has nodes that need a person's approval, but the approvals plugin is not loaded`);
    }
  }

  private refuseFinished(record: RunRecord): void {
    if ((FINISHED_RUN_STATUSES as readonly string[]).includes(record.status)) {
      throw new OrchError('conflict', `Run ${record.runId} is ${record.status}; there is nothing to resume (\`orch run:replay ${record.runId}\` runs it again from a checkpoint)`);
    }
  }

  private refuseForeignOwner(record: RunRecord): void {
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

  private enqueue<T>(runId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(runId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    const tail = next.catch(() => undefined);
    this.queues.set(runId, tail);
    void tail.then(() => {
      if (this.queues.get(runId) === tail) this.queues.delete(runId);
    });
    return next;
  }
}

function isLeaf(node: Plan['root']): node is LeafNode {
  return !['sequence', 'parallel', 'conditional', 'loop'].includes(node.type);
}


function snapshot(record: RunRecord): RunRecord {
  return structuredClone(record);
}



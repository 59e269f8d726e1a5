import { inject, injectable, optional } from 'inversify';
import { Config, EventBus, Logger, OrchError, Paths, ProcessContext } from '../../../kernel/index.js';
import { ApprovalStore } from '../../approvals/api/index.js';
import type { ResumeOptions, RunCheckpointInfo, RunListItem, RunRecord, RunService, StartRunOptions } from '../api/index.js';
import { NodeAdapterRegistry, PlanSaver, PlanStore, PlanValidator, type PlanReference } from '../../plans/api/index.js';
import { toListItem } from '../http/run-list-page.js';
import { ExecutorSettingsSchema, STOP_GRACE_MS } from './executor-settings.js';
import type { OperationsLog } from './operations-log.js';
import { cancelRun } from './run-cancel.js';
import { isFinished, RunHost, snapshot } from './run-host.js';
import { RunListIndex } from './run-list-index.js';
import type { RunSession } from './run-session.js';
import { recoverRuns } from './run-recovery.js';
import { replayRun } from './run-replay.js';
import { resumeOnApproval, resumeRun } from './run-resume.js';
import { startRun } from './run-start.js';
import { withdrawOpenApprovals } from './withdraw-approvals.js';

/**
 * The Executor (`RunService`): starts runs of stored plan versions, keeps their records in
 * `state/runs/`, their checkpoints in `state/checkpoints/<runId>/` (or in memory, as objects, in
 * memory mode), and resumes, cancels, replays and lists them. One process executes a run at a time:
 * the record names its owner, and a live owner's run is refused to others.
 *
 * A facade: each operation lives in a file of its own (run-start, run-resume, run-cancel,
 * run-replay, run-recovery) over the state they share (run-host). Reading records and lists needs
 * no LangGraph; the graph part loads when a run is first compiled, resumed or its checkpoints read.
 */
@injectable()
export class ExecutorRunService implements RunService {
  private readonly host: RunHost;
  /** What lists show of the runs on file, parsed again only when a record changed. */
  private readonly listIndex: RunListIndex;

  constructor(
    @inject(Paths) paths: Paths,
    @inject(EventBus) bus: EventBus,
    @inject(Logger) logger: Logger,
    @inject(ProcessContext) processContext: ProcessContext,
    @inject(Config) config: Config,
    @inject(PlanStore) store: PlanStore,
    @inject(PlanValidator) validator: PlanValidator,
    @inject(PlanSaver) saver: PlanSaver,
    @inject(ApprovalStore) @optional() approvals: ApprovalStore | undefined,
    @inject(NodeAdapterRegistry) registry: NodeAdapterRegistry,
  ) {
    this.host = new RunHost({
      paths,
      bus,
      logger: logger.child({ category: 'executor' }),
      processContext,
      settings: config.section('executor', ExecutorSettingsSchema),
      plans: { store, validator, saver },
      registry,
      approvals,
    });
    this.listIndex = new RunListIndex(this.host.records, (runId, message) => this.host.logger.warn(`Skipping a malformed run record: ${message}`, { runId }));
  }

  /** `.codex/operations-log.md`, where flagged nodes are written down with a remedy. */
  get operationsLog(): OperationsLog {
    return this.host.operationsLog;
  }

  start(plan: PlanReference, options: StartRunOptions): Promise<RunRecord> {
    return startRun(this.host, plan, options);
  }

  async get(runId: string): Promise<RunRecord> {
    const live = this.host.sessions.get(runId);
    return snapshot(live ? live.record : await this.host.records.get(runId));
  }

  async list(): Promise<RunRecord[]> {
    const onDisk = await this.host.records.list((file, message) => this.host.logger.warn(`Skipping a malformed run record: ${message}`, { file }));
    const byId = new Map(onDisk.map((r) => [r.runId, r]));
    for (const session of this.host.sessions.values()) byId.set(session.runId, session.record);
    return [...byId.values()].map(snapshot).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async listItems(): Promise<RunListItem[]> {
    const byId = new Map((await this.listIndex.items()).map((item) => [item.runId, item]));
    for (const session of this.host.sessions.values()) byId.set(session.runId, toListItem(session.record));
    return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.runId.localeCompare(a.runId));
  }

  resume(runId: string, options: ResumeOptions): Promise<RunRecord> {
    return resumeRun(this.host, runId, options);
  }

  cancel(runId: string, options: { operator: string }): Promise<RunRecord> {
    return cancelRun(this.host, runId, options.operator);
  }

  replay(runId: string, options: { from?: string; operator: string; wait?: boolean }): Promise<RunRecord> {
    return replayRun(this.host, runId, options);
  }

  async history(runId: string): Promise<RunCheckpointInfo[]> {
    const live = this.host.sessions.get(runId);
    if (live) return live.history();
    const record = await this.host.records.get(runId);
    if (record.mode === 'memory') throw new OrchError('conflict', `Run ${runId} ran in memory mode; its checkpoints ended with the process that ran it`);
    return (await this.lookAt(record)).history();
  }

  /**
   * Each node's output at the run's latest checkpoint, or undefined when the checkpoints are gone
   * (a memory-mode run of another process).
   */
  async latestOutputs(runId: string): Promise<Record<string, unknown> | undefined> {
    const live = this.host.sessions.get(runId);
    if (live) return live.outputs();
    const record = await this.host.records.get(runId);
    if (record.mode === 'memory') return undefined;
    return (await this.lookAt(record)).outputs();
  }

  /** `state/runs/<runId>/events.jsonl`. */
  journalFileOf(runId: string): string {
    return this.host.journalFileOf(runId);
  }

  /** The most leaf executions seen at once over every run of this process (tests, benchmark). */
  get processPeakConcurrency(): number {
    return this.host.slots.peak;
  }

  /** The most leaf executions seen at once in a run executing in this process (tests, benchmark). */
  peakConcurrency(runId: string): number | undefined {
    return this.host.sessions.get(runId)?.peakConcurrency;
  }

  /**
   * Start-up recovery of the long-running process (see `run-recovery.ts`): runs left running by a
   * process that is gone, and paused runs whose approvals were decided meanwhile, continue.
   */
  recover(): Promise<string[]> {
    const host = this.host;
    return recoverRuns({
      records: host.records,
      approvals: host.approvals,
      logger: host.logger,
      operator: host.operator,
      isLive: (runId) => host.sessions.has(runId),
      resume: (runId, options) => this.resume(runId, options),
    });
  }

  /** An approval was decided (here, in the CLI, over REST or in the GUI): the run goes on. */
  onApprovalResolved(runId: string): void {
    resumeOnApproval(this.host, runId);
  }

  /** Lets running nodes reach a checkpoint, then stops (the process is shutting down). */
  async stopAll(graceMs = STOP_GRACE_MS): Promise<void> {
    await Promise.all([...this.host.sessions.values()].map((session) => session.stop(graceMs)));
    await Promise.all([...this.host.sessions.values()].map((session) => session.env.live.idle()));
    // A memory-mode run still waiting for a person ends with this process: its approvals are withdrawn.
    for (const session of this.host.sessions.values()) {
      const record = session.record;
      if (record.mode !== 'memory' || isFinished(record.status)) continue;
      const reason = `run ${record.runId} ran in memory mode and its process (pid ${process.pid}) stopped; it cannot be resumed`;
      await withdrawOpenApprovals(this.host.approvals, record.runId, record.status, reason, this.host.logger);
    }
    await this.host.flushCheckpoints();
    await this.host.journals.flushAll();
  }

  /** A session to read the checkpoints of a run that does not execute here (it is not registered). */
  private async lookAt(record: RunRecord): Promise<RunSession> {
    return this.host.openSession(await this.host.planOf(record), record, this.host.operator, { register: false });
  }
}

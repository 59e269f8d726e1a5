import { describeError, isOrchError, OrchError } from '../../../kernel/index.js';
import type { ResumeOptions, RunRecord } from '../api/index.js';
import { isFinished, snapshot, type RunHost } from './run-host.js';
import type { RunSession } from './run-session.js';
import { withdrawOpenApprovals } from './withdraw-approvals.js';

/** An approval decided while the step that asked for it still ran resumes the run at once, this many times in a row at most. */
const IMMEDIATE_RESUMES = 5;

/**
 * `run:resume`: continues a run from its last checkpoint — with the decisions taken meanwhile
 * (approvals in the store, `--retry-node` / `--skip-node` of a node waiting for a person), or after
 * a crash or a write refusal with nothing to decide. Queued behind other work on the same run.
 */
export function resumeRun(host: RunHost, runId: string, options: ResumeOptions): Promise<RunRecord> {
  const work = host.enqueue(runId, () => resumeNow(host, runId, options));
  if (options.wait === false) {
    work.catch(() => undefined);
    return Promise.resolve(host.sessions.get(runId)?.record ?? host.records.get(runId)).then(snapshot);
  }
  return work.then(snapshot);
}

/** An approval was decided (here, in the CLI, over REST or in the GUI): the run goes on. */
export function resumeOnApproval(host: RunHost, runId: string): void {
  void host.records
    .read(runId)
    .then(async (record) => {
      const live = host.sessions.get(runId);
      const status = live ? live.record.status : record?.status;
      if (!status || isFinished(status)) return;
      if (live?.active) await live.settled();
      await resumeRun(host, runId, { operator: host.operator });
    })
    .catch((error) => {
      // Another process executes the run: it looks at the decisions itself when its step ends.
      if (isOrchError(error) && error.code === 'conflict') host.logger.info(`Run ${runId} not resumed here after an approval: ${error.message}`, { runId });
      else host.logger.error(`Could not resume run ${runId} after an approval: ${describeError(error)}`, { runId });
    });
}

/**
 * What follows each drive of a run's graph: secret inputs of a finished run are forgotten; an
 * approval decided while its step still ran resumes the run at once; a JSON run that stopped
 * driving leaves this process's sessions (it lives on disk until something resumes it).
 */
export async function afterDrive(host: RunHost, session: RunSession, record: RunRecord, depth = 0): Promise<RunRecord> {
  if (isFinished(record.status)) await host.secretInputs.forget(record.runId);
  const approvals = host.approvals;
  if (record.status === 'waiting_approval' && approvals && depth < IMMEDIATE_RESUMES) {
    const decided = await Promise.all((record.waitingFor?.approvals ?? []).map((a) => approvals.get(a.approvalId).catch(() => undefined)));
    if (decided.some((a) => a?.decision)) return resumeNow(host, record.runId, { operator: host.operator }, depth + 1);
  }
  // JSON runs live on disk between drives; memory runs exist only in this process, so a paused
  // one stays here until it finishes.
  if (record.mode === 'json' || isFinished(record.status)) {
    if (!session.active) host.leave(session);
  }
  return record;
}

async function resumeNow(host: RunHost, runId: string, options: ResumeOptions, depth = 0): Promise<RunRecord> {
  let session = host.sessions.get(runId);
  if (session?.active) throw new OrchError('conflict', `Run ${runId} is executing right now`);
  if (!session) {
    const record = await host.records.get(runId);
    if (record.mode === 'memory') {
      throw new OrchError('conflict', `Run ${runId} ran in memory mode in a process that has ended; its state is gone. Start the plan again.`);
    }
    host.refuseFinished(record);
    const claimed = await host.records.update(runId, (current) => {
      host.refuseFinished(current);
      host.refuseForeignOwner(current);
      return { ...current, owner: host.ownerHere() };
    });
    session = await host.openSession(await host.planOf(claimed), claimed, options.operator);
    await session.reconcile();
  }
  host.refuseFinished(session.record);
  const record = session.record;
  const pauses = await session.pendingPauses();
  const resume: Record<string, unknown> = {};
  const handled = new Set<string>();
  const skippedApprovals: string[] = [];
  for (const { interruptId, reason } of pauses) {
    const entry = record.nodes[reason.nodeId];
    if (reason.kind === 'approval') {
      const approval = await host.approvals?.get(reason.approvalId);
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
    if (record.mode === 'json') host.sessions.delete(runId);
    return record;
  }
  for (const nodeId of handled) {
    const decision = options.retryNode === nodeId ? 'retry' : 'skip';
    host.logger.info(`Node ${nodeId} of run ${runId}: ${decision} decided by ${options.operator}`, { runId, nodeId, operator: options.operator });
    if (decision === 'skip') host.bus.publish({ type: 'node.skipped', runId, nodeId, reason: `skipped by ${options.operator}` });
  }
  // A gate skipped without a decision: nobody may decide its approval any more.
  if (skippedApprovals.length > 0) {
    const reason = `node ${options.skipNode} was skipped by ${options.operator} (run:resume --skip-node); run ${runId} goes on without it`;
    await withdrawOpenApprovals(host.approvals, runId, record.status, reason, host.logger, skippedApprovals);
  }
  const decisions = Object.keys(resume).length;
  host.logger.info(`Run ${runId} resuming${decisions ? ` (${decisions} decision(s))` : ' from its last checkpoint'}`, { runId, operator: options.operator });
  return afterDrive(host, session, await session.continue(resume), depth);
}

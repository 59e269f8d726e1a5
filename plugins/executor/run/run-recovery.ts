import { hostname } from 'node:os';
import { describeError, isAlive, type Logger } from '../../../kernel/index.js';
import type { ApprovalStore } from '../../approvals/api/index.js';
import { FINISHED_RUN_STATUSES, type ResumeOptions, type RunRecord } from '../api/index.js';
import type { RunRecords } from './run-records.js';
import { withdrawOpenApprovals } from './withdraw-approvals.js';

/** What start-up recovery needs of the run service. */
export interface RecoveryHost {
  readonly records: RunRecords;
  readonly approvals: ApprovalStore | undefined;
  readonly logger: Logger;
  /** The operator recovery acts as (the server's). */
  readonly operator: string;
  /** The run executes in this process right now. */
  isLive(runId: string): boolean;
  resume(runId: string, options: ResumeOptions): Promise<RunRecord>;
}

/**
 * Start-up recovery of the long-running process: runs left `running` by a process that is gone
 * (a crash, a kill -9) continue from their last checkpoint; paused runs whose approvals were
 * decided while no server ran continue too. Returns the ids of the runs it resumes.
 */
export async function recoverRuns(host: RecoveryHost): Promise<string[]> {
  const resumed: string[] = [];
  await withdrawApprovalsOfEndedRuns(host);
  const resume = (record: RunRecord, what: string): void => {
    resumed.push(record.runId);
    void host
      .resume(record.runId, { operator: host.operator })
      .catch((error) => host.logger.error(`Could not ${what} run ${record.runId}: ${describeError(error)}`, { runId: record.runId }));
  };
  for (const record of await host.records.list()) {
    if (record.mode !== 'json' || host.isLive(record.runId)) continue;
    if (record.owner && record.owner.host === hostname() && record.owner.pid !== process.pid && isAlive(record.owner.pid)) continue;
    if (record.status === 'running') {
      host.logger.info(`Recovering run ${record.runId}: it was running when its process (pid ${record.owner?.pid ?? '?'}) stopped`, { runId: record.runId });
      resume(record, 'recover');
    } else if (record.status === 'waiting_approval' && host.approvals) {
      const decided = await Promise.all((record.waitingFor?.approvals ?? []).map((a) => host.approvals!.get(a.approvalId)));
      if (decided.some((a) => a?.decision)) resume(record, 'resume');
    }
  }
  return resumed;
}

/**
 * Open approvals whose run has ended (it ended while the approval files could not be written, or
 * before Orch withdrew approvals at all) are withdrawn, so nothing stays pending for ever.
 */
async function withdrawApprovalsOfEndedRuns(host: RecoveryHost): Promise<void> {
  if (!host.approvals?.withdraw) return;
  const open = await host.approvals.list().catch(() => []);
  for (const runId of new Set(open.map((a) => a.runId))) {
    const record = await host.records.read(runId).catch(() => undefined);
    if (!record) continue;
    // A memory-mode run lives only in the process that ran it: once that process is gone, nothing can resume it.
    const memoryGone = record.mode === 'memory' && !host.isLive(runId) && !(record.owner && isAlive(record.owner.pid));
    if (!memoryGone && !(FINISHED_RUN_STATUSES as readonly string[]).includes(record.status)) continue;
    const reason = memoryGone
      ? `run ${runId} ran in memory mode and the process that ran it has ended; it cannot be resumed`
      : `run ${runId} had already ended ${record.status}${record.error ? ` (${record.error})` : ''}`;
    await withdrawOpenApprovals(host.approvals, runId, record.status, reason, host.logger);
  }
}

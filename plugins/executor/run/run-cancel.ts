import { OrchError } from '../../../kernel/index.js';
import type { RunRecord } from '../api/index.js';
import { closeOpenAttempt } from './attempt-log.js';
import { isFinished, snapshot, type RunHost } from './run-host.js';
import { withdrawOpenApprovals } from './withdraw-approvals.js';

/**
 * `run:cancel`: a run executing here is aborted (its adapters get the signal, the session ends it
 * `cancelled`); a paused or crashed one is marked cancelled on file — unless another live process
 * executes it. Its open approvals are withdrawn.
 */
export async function cancelRun(host: RunHost, runId: string, operator: string): Promise<RunRecord> {
  const live = host.sessions.get(runId);
  if (live?.active) return snapshot(await live.cancel(operator));
  return host.enqueue(runId, async () => {
    const session = host.sessions.get(runId);
    const record = session ? session.record : await host.records.get(runId);
    if (isFinished(record.status)) throw new OrchError('conflict', `Run ${runId} is already ${record.status}; there is nothing to cancel`);
    host.refuseForeignOwner(record);
    let result: RunRecord;
    if (session) {
      Object.assign(session.record, cancelledRecord(session.record, operator));
      await session.env.live.save();
      host.leave(session);
      result = session.record;
    } else {
      result = await host.records.update(runId, (current) => cancelledRecord(current, operator));
    }
    host.bus.publish({ type: 'run.cancelled', runId, planId: result.planId, planVersion: result.planVersion });
    host.logger.info(`Run ${runId} cancelled by ${operator}`, { runId, operator });
    await withdrawOpenApprovals(host.approvals, runId, 'cancelled', `run ${runId} was cancelled by ${operator}`, host.logger);
    return snapshot(result);
  });
}

/** A run as cancelling leaves it: every unfinished node cancelled, its open attempt closed, no owner. */
export function cancelledRecord(record: RunRecord, operator: string): RunRecord {
  const now = new Date().toISOString();
  for (const node of Object.values(record.nodes)) {
    if (['running', 'retrying', 'waiting_approval', 'needs_attention', 'pending'].includes(node.status)) node.status = 'cancelled';
    closeOpenAttempt(node, 'cancelled', now);
  }
  return { ...record, status: 'cancelled', finishedAt: now, updatedAt: now, owner: undefined, waitingFor: undefined, error: `cancelled by ${operator}` };
}

import { describeError, type Logger } from '../../../kernel/index.js';
import type { ApprovalStore } from '../../approvals/api/index.js';

/**
 * A run ended (cancelled, failed, or completed while a request was still open — a skipped gate, a
 * branch nobody needed): its open approvals are withdrawn, so nobody is asked to decide for a run
 * that can no longer act on it. A store that cannot do it now is logged; the next start-up of the
 * long-running process withdraws what is left (`ExecutorRunService.recover`).
 */
export async function withdrawOpenApprovals(
  approvals: ApprovalStore | undefined,
  runId: string,
  runStatus: string,
  reason: string,
  logger: Logger,
  /** Only these (a gate skipped while the run goes on); default: every open approval of the run. */
  approvalIds?: readonly string[],
): Promise<void> {
  if (!approvals?.withdraw) return;
  try {
    const withdrawn = await approvals.withdraw(runId, { reason, runStatus, ...(approvalIds ? { approvalIds } : {}) });
    if (withdrawn.length > 0) logger.info(`Run ${runId} (${runStatus}): withdrew ${withdrawn.length} open approval(s) (${withdrawn.map((a) => a.id).join(', ')})`, { runId });
  } catch (error) {
    logger.warn(`Run ${runId} ended ${runStatus}, but its open approvals could not be withdrawn yet: ${describeError(error)}`, { runId });
  }
}

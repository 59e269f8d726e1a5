import type { RunRecord } from '../api/index.js';
import { closeOpenAttempt } from './attempt-log.js';

/** A run as cancelling leaves it: every unfinished node cancelled, its open attempt closed, no owner. */
export function cancelledRecord(record: RunRecord, operator: string): RunRecord {
  const now = new Date().toISOString();
  for (const node of Object.values(record.nodes)) {
    if (['running', 'retrying', 'waiting_approval', 'needs_attention', 'pending'].includes(node.status)) node.status = 'cancelled';
    closeOpenAttempt(node, 'cancelled', now);
  }
  return { ...record, status: 'cancelled', finishedAt: now, updatedAt: now, owner: undefined, waitingFor: undefined, error: `cancelled by ${operator}` };
}

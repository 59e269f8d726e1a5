import { TIMEOUT_OPERATOR, type ApprovalRecord } from './api/index.js';
import type { CompletedRecord, PendingRecord } from './approval-files.js';

/** What the expiry rule does to one pending request once its `expiresAt` has passed. */
export type Expiry = { kind: 'decided'; record: CompletedRecord } | { kind: 'escalated'; record: PendingRecord };

/**
 * Due: `expiresAt` has passed and the rule has not acted yet (an escalated request stays pending
 * and is not escalated twice). A request without `expiresAt` never expires.
 */
export function isDue(record: ApprovalRecord, now: Date): boolean {
  if (record.decision || !record.expiresAt || record.escalatedAt) return false;
  const expires = Date.parse(record.expiresAt);
  return Number.isFinite(expires) && expires <= now.getTime();
}

/** Applies `onTimeout`: a decision by `system` via `timeout`, or the escalation mark. */
export function expire(record: PendingRecord, now: Date): Expiry {
  const at = now.toISOString();
  if (record.onTimeout === 'escalate') return { kind: 'escalated', record: { ...record, escalatedAt: at } };
  return {
    kind: 'decided',
    record: {
      ...record,
      decision: {
        outcome: record.onTimeout === 'approve' ? 'approved' : 'rejected',
        operator: TIMEOUT_OPERATOR,
        comment: `no decision before ${record.expiresAt}; onTimeout: ${record.onTimeout}`,
        decidedAt: at,
        via: 'timeout',
      },
    },
  };
}

/** `expiresAt` for a new request: the given one, else `timeoutMs` after now. */
export function expiryOf(input: { expiresAt?: string; timeoutMs?: number }, now: Date): string | undefined {
  if (input.expiresAt) return input.expiresAt;
  if (input.timeoutMs === undefined) return undefined;
  return new Date(now.getTime() + input.timeoutMs).toISOString();
}

import { OrchError } from '../../kernel/index.js';
import type { ApprovalHistoryItem, ApprovalHistoryPage, ApprovalHistoryQuery, ApprovalRecord } from './api/index.js';
import { shownApproval } from './approval-preview.js';

/** Approvals per page when `limit` is not given (`HISTORY_PAGE_MAX` is the most one page holds). */
export const HISTORY_PAGE_DEFAULT = 50;

/** When and how a completed approval was settled (a decision, or a withdrawal when its run ended first). */
function settlementOf(record: ApprovalRecord): { at: string; outcome: string; operator?: string } | undefined {
  if (record.decision) return { at: record.decision.decidedAt, outcome: record.decision.outcome, operator: record.decision.operator };
  if (record.withdrawal) return { at: record.withdrawal.withdrawnAt, outcome: 'withdrawn' };
  return undefined;
}

/**
 * The settled approvals, newest settlement first (then id, so the order is total): each appears
 * exactly once across the pages of one listing; approvals settled meanwhile are newer than any
 * cursor. The cursor is opaque to clients.
 */
export function pageOfHistory(records: readonly ApprovalRecord[], query: ApprovalHistoryQuery): ApprovalHistoryPage {
  const outcomes = query.outcome ? new Set(query.outcome.split(',').map((s) => s.trim()).filter(Boolean)) : undefined;
  const after = query.before === undefined ? undefined : decodeCursor(query.before);
  const settled = records
    .flatMap((record) => {
      const settlement = settlementOf(record);
      return settlement ? [{ record, ...settlement }] : [];
    })
    .filter(({ record, outcome, operator, at }) => {
      if (query.runId !== undefined && record.runId !== query.runId) return false;
      if (query.planId !== undefined && record.planId !== query.planId) return false;
      if (outcomes && !outcomes.has(outcome)) return false;
      if (query.operator !== undefined && operator !== query.operator) return false;
      return after === undefined || compareNewestFirst({ at, id: record.id }, after) > 0;
    })
    .sort((a, b) => compareNewestFirst({ at: a.at, id: a.record.id }, { at: b.at, id: b.record.id }));
  const limit = query.limit ?? HISTORY_PAGE_DEFAULT;
  const page = settled.slice(0, limit);
  const last = page.at(-1);
  return {
    approvals: page.map(({ record, outcome, at }) => {
      const { context: _context, ...shown } = shownApproval(record).approval;
      return { ...shown, outcome, settledAt: at };
    }),
    nextCursor: settled.length > limit && last ? encodeCursor({ at: last.at, id: last.record.id }) : null,
  };
}

interface Position {
  at: string;
  id: string;
}

function compareNewestFirst(a: Position, b: Position): number {
  return b.at.localeCompare(a.at) || b.id.localeCompare(a.id);
}

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.at, position.id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return { at: value[0], id: value[1] };
  } catch {
    // Reported below.
  }
  throw new OrchError('invalid_input', `query.before: "${cursor}" is not a cursor this server gave (pass the nextCursor of the previous page)`, {
    issues: [{ path: 'query.before', message: 'not a cursor from GET /api/approvals/history' }],
  });
}

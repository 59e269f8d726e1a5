import { OrchError } from '../../../kernel/index.js';
import { RUN_PAGE_MAX, type RunListItem, type RunListPage, type RunListQuery, type RunRecord } from '../api/index.js';

/** Runs per page when `limit` is not given (`RUN_PAGE_MAX` is the most one page holds). */
export const RUN_PAGE_DEFAULT = 100;

/**
 * A page of runs, newest first (by creation time, then run id, so the order is total and never
 * changes): each run appears exactly once across the pages of one listing, whatever starts or
 * changes meanwhile (new runs are newer than any cursor). The cursor is opaque to clients.
 */
export function pageOfRuns(runs: readonly RunListItem[], query: RunListQuery, defaultLimit = RUN_PAGE_DEFAULT): RunListPage {
  const statuses = query.status ? new Set(query.status.split(',').map((s) => s.trim()).filter(Boolean)) : undefined;
  const from = query.from === undefined ? undefined : Date.parse(query.from);
  const to = query.to === undefined ? undefined : Date.parse(query.to);
  const after = query.before === undefined ? undefined : decodeCursor(query.before);
  const matching = runs
    .filter((r) => {
      if (statuses && !statuses.has(r.status)) return false;
      if (query.planId !== undefined && r.planId !== query.planId) return false;
      if (query.version !== undefined && r.planVersion !== query.version) return false;
      if (query.operator !== undefined && r.operator !== query.operator) return false;
      const created = Date.parse(r.createdAt);
      if (from !== undefined && !(created >= from)) return false;
      if (to !== undefined && !(created < to)) return false;
      return after === undefined || compareNewestFirst(r, after) > 0;
    })
    .sort(compareNewestFirst);
  const limit = query.limit ?? defaultLimit;
  const page = matching.slice(0, limit);
  const last = page.at(-1);
  return { runs: page, nextCursor: matching.length > limit && last ? encodeCursor(last) : null };
}

/** What a list shows of a run. */
export function toListItem(record: RunRecord): RunListItem {
  return {
    runId: record.runId,
    planId: record.planId,
    planVersion: record.planVersion,
    ...(record.planName !== undefined ? { planName: record.planName } : {}),
    status: record.status,
    mode: record.mode,
    operator: record.operator,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.finishedAt !== undefined ? { finishedAt: record.finishedAt } : {}),
    ...(record.leafCount !== undefined ? { leafCount: record.leafCount } : {}),
    counts: nodeCounts(record),
    ...(record.error !== undefined ? { error: record.error } : {}),
    ...(record.replayOf !== undefined ? { replayOf: record.replayOf } : {}),
  };
}

/** Leaf nodes by status; nodes the run has not reached yet count as `pending` when the plan's leaf count is known. */
export function nodeCounts(record: RunRecord): Record<string, number> {
  const counts: Record<string, number> = {};
  const nodes = Object.values(record.nodes);
  for (const node of nodes) counts[node.status] = (counts[node.status] ?? 0) + 1;
  if (record.leafCount !== undefined && record.leafCount > nodes.length) counts.pending = (counts.pending ?? 0) + record.leafCount - nodes.length;
  return counts;
}

type Position = Pick<RunListItem, 'createdAt' | 'runId'>;

/** Negative when `a` comes first (is newer). */
function compareNewestFirst(a: Position, b: Position): number {
  return b.createdAt.localeCompare(a.createdAt) || b.runId.localeCompare(a.runId);
}

function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.runId]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return { createdAt: value[0], runId: value[1] };
  } catch {
    // Reported below.
  }
  throw new OrchError('invalid_input', `query.before: "${cursor}" is not a cursor this server gave (pass the nextCursor of the previous page)`, {
    issues: [{ path: 'query.before', message: 'not a cursor from GET /api/runs' }],
  });
}

import type { ApprovalRecord } from '../api/index.js';

/** `2026-11-24 08:31:05Z`: ISO without the clutter, still unambiguous (UTC). */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** `5m ago`, `in 2h` — how far `iso` is from `now`. */
export function relative(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  if (!Number.isFinite(ms)) return iso;
  const abs = Math.abs(ms);
  const text =
    abs < 60_000 ? `${Math.round(abs / 1000)}s` : abs < 3_600_000 ? `${Math.round(abs / 60_000)}m` : abs < 172_800_000 ? `${Math.round(abs / 3_600_000)}h` : `${Math.round(abs / 86_400_000)}d`;
  return ms < 0 ? `${text} ago` : `in ${text}`;
}

/** One word or phrase for the state of a record, for tables. */
export function statusOf(record: ApprovalRecord, now = Date.now()): string {
  if (record.withdrawal) {
    const ended = ['cancelled', 'failed', 'completed'].includes(record.withdrawal.runStatus);
    return ended ? `withdrawn (run ${record.withdrawal.runStatus})` : 'withdrawn (skipped)';
  }
  const d = record.decision;
  if (d) return d.via === 'timeout' ? `${d.outcome} (timed out)` : `${d.outcome} by ${d.operator}`;
  if (record.escalatedAt) return 'ESCALATED, overdue';
  if (record.expiresAt) return `pending, ${Date.parse(record.expiresAt) <= now ? 'expired' : `expires ${relative(record.expiresAt, now)}`}`;
  return 'pending';
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

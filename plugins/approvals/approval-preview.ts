import type { ApprovalRecord } from './api/index.js';

/** Characters of one value (the prompt, a param) shown before it is cut; `--full` / `?full=true` show all. */
export const SHOWN_CHARS = 1_500;
/** Characters of one value kept in the approval files: one huge input must not bloat the shared files. */
export const STORED_CHARS = 20_000;
/** Characters of a whole context kept; beyond it the context is stored as one cut preview. */
export const STORED_CONTEXT_CHARS = 64_000;

/** A long string cut to `max` characters, saying how much was left out and where the rest is. */
export function cutText(text: string, max: number, rest: string): string {
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters${rest}]` : text;
}

/**
 * A copy of `value` with every string longer than `max` cut, and the paths of the cut ones
 * (`prompt`, `context.params.body`), so a display can say what is not shown in full.
 */
export function capStrings(value: unknown, max: number, rest: string, path = '', cut: string[] = []): { value: unknown; cut: string[] } {
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (typeof value === 'string') {
    if (value.length > max) cut.push(path);
    return { value: cutText(value, max, rest), cut };
  }
  if (Array.isArray(value)) return { value: value.map((item, i) => capStrings(item, max, rest, at(i), cut).value), cut };
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = capStrings(item, max, rest, at(key), cut).value;
    return { value: out, cut };
  }
  return { value, cut };
}

/** What a person is shown of an approval: prompt, title and context cut at `SHOWN_CHARS` per value. */
export function shownApproval(record: ApprovalRecord, max = SHOWN_CHARS): { approval: ApprovalRecord; truncated: string[] } {
  const rest = ` — show all: orch approvals:show ${record.id} --full, or GET /api/approvals/${record.id}?full=true`;
  const cut: string[] = [];
  const approval: ApprovalRecord = { ...record, title: capStrings(record.title, max, rest, 'title', cut).value as string, prompt: capStrings(record.prompt, max, rest, 'prompt', cut).value as string };
  if (record.context !== undefined) approval.context = capStrings(record.context, max, rest, 'context', cut).value;
  return { approval, truncated: cut };
}

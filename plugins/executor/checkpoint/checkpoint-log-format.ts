import { checkedLineOf, decodeCheckedLine, encodeCheckedLine, parseCheckedLines } from '../checked-line.js';
import type { SerializedValue } from './checkpoint-file.js';

/**
 * The lines of a run's checkpoint log, `state/checkpoints/<runId>/checkpoints.jsonl`, each a checked
 * line (`../checked-line.ts`: a CRC-32 first, so a torn or damaged line is never half-applied).
 * Kinds of line (`t`):
 * - `head`: first line of the file (format, thread id);
 * - `cp`: a checkpoint (`put`): either `full` (the whole checkpoint document) or `d`, a patch of the
 *   document of checkpoint `base` (its parent): only what changed at this step;
 * - `w`: pending writes of a checkpoint (`putWrites`, or all of a checkpoint's writes after compaction).
 */
export const CHECKPOINT_LOG_FORMAT = 'orch.checkpoint-log/1';
export const CHECKPOINT_LOG_FILE = 'checkpoints.jsonl';

/** Everything a checkpoint holds except its pending writes, as stored (values serialised). */
export interface CheckpointDoc {
  /** The checkpoint without `channel_values` (v, id, ts, channel_versions, versions_seen, …). */
  checkpoint: Record<string, unknown>;
  /** Channel values present in the checkpoint, through LangGraph's serializer (JSON ones inline). */
  values: Record<string, SerializedValue>;
  metadata: SerializedValue;
}

export interface StoredLogWrite {
  task: string;
  idx: number;
  ch: string;
  path: string;
  v: SerializedValue;
}

export type LogLine =
  | { t: 'head'; format: typeof CHECKPOINT_LOG_FORMAT; thread: string }
  | { t: 'cp'; ns: string; id: string; parent?: string; full: CheckpointDoc }
  | { t: 'cp'; ns: string; id: string; parent?: string; base: string; d: Patch }
  | { t: 'w'; ns: string; cp: string; w: StoredLogWrite[] };

/**
 * A change to a JSON object: members set to a new value (`s`), removed (`x`), or themselves patched
 * (`p`, for objects that changed only in part — the `nodes` map gains one output per step).
 */
export interface Patch {
  s?: Record<string, unknown>;
  x?: string[];
  p?: Record<string, Patch>;
}

type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Structural equality of two JSON values (undefined members count as absent, as in JSON). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  let count = 0;
  for (const key in ao) {
    if (ao[key] === undefined) continue;
    count++;
    if (!jsonEqual(ao[key], bo[key])) return false;
  }
  for (const key in bo) if (bo[key] !== undefined) count--;
  return count === 0;
}

/**
 * What changed from `base` to `next` (both JSON objects), descending `depth` levels into members
 * that are objects on both sides. `undefined` when nothing changed.
 */
export function diffObjects(base: JsonObject, next: JsonObject, depth: number): Patch | undefined {
  let s: JsonObject | undefined;
  let x: string[] | undefined;
  let p: Record<string, Patch> | undefined;
  // Indexed loops over Object.keys: these maps hold one member per node of a plan, and for-in over
  // large (dictionary-mode) objects is several times slower.
  const keys = Object.keys(next);
  let present = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = next[key];
    if (value === undefined) continue;
    const before = base[key];
    if (before !== undefined) present++;
    if (before === value) continue;
    if (before === undefined) {
      (s ??= {})[key] = value;
    } else if (depth > 1 && isPlainObject(before) && isPlainObject(value)) {
      const inner = diffObjects(before, value, depth - 1);
      if (inner) (p ??= {})[key] = inner;
    } else if (!(flatEqualObjects(before, value) || jsonEqual(before, value))) {
      (s ??= {})[key] = value;
    }
  }
  // Members removed: only looked for when the counts say some are missing.
  const baseKeys = Object.keys(base);
  if (baseKeys.length !== present) {
    for (let i = 0; i < baseKeys.length; i++) {
      const key = baseKeys[i]!;
      if (base[key] !== undefined && next[key] === undefined) (x ??= []).push(key);
    }
  }
  if (!s && !x && !p) return undefined;
  return { ...(s ? { s } : {}), ...(x ? { x } : {}), ...(p ? { p } : {}) };
}

/**
 * Equality of two objects whose members are all primitives, without allocating (a node's versions
 * seen: one per node of the plan, copied by LangGraph and compared here every step); false when
 * unsure (then `jsonEqual` decides).
 */
function flatEqualObjects(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) || Array.isArray(b)) return false;
  return flatSame(a as JsonObject, b as JsonObject);
}

function flatSame(a: JsonObject, b: JsonObject): boolean {
  let count = 0;
  for (const key in a) {
    const value = a[key];
    if (value !== b[key] || (typeof value === 'object' && value !== null)) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}


/**
 * Applies `patch` to `target` itself. Values set are copied, so `target` never shares an object with
 * the patch (which is also kept as a log line) or with the caller — unless `copy` is false: the
 * caller hands over a patch of its own (parsed for the purpose), whose objects `target` may keep.
 */
export function applyPatchInPlace(target: JsonObject, patch: Patch, copy = true): void {
  for (const key of patch.x ?? []) delete target[key];
  if (patch.s) {
    for (const key of Object.keys(patch.s)) {
      const value = patch.s[key];
      target[key] = value === undefined || !copy ? value : JSON.parse(JSON.stringify(value));
    }
  }
  if (patch.p) {
    for (const key of Object.keys(patch.p)) {
      if (!isPlainObject(target[key])) target[key] = {};
      applyPatchInPlace(target[key] as JsonObject, patch.p[key]!, copy);
    }
  }
}

/** `base` with `patch` applied; `base` is left as it is (unchanged members are shared). */
export function applyPatch(base: JsonObject, patch: Patch): JsonObject {
  const out: JsonObject = { ...base };
  for (const key of patch.x ?? []) delete out[key];
  if (patch.s) for (const key of Object.keys(patch.s)) out[key] = patch.s[key];
  if (patch.p) {
    for (const key of Object.keys(patch.p)) {
      const before = out[key];
      out[key] = applyPatch(isPlainObject(before) ? before : {}, patch.p[key]!);
    }
  }
  return out;
}

/** One line of the log (with its checksum and the final newline). */
export function encodeLine(line: LogLine): string {
  return encodeCheckedLine(line);
}

/** The line of a checkpoint stored as a patch, its patch given as JSON text (serialised once by the caller). */
export function encodePatchLine(ns: string, id: string, parent: string | undefined, base: string, patchText: string): string {
  const parentMember = parent ? `,"parent":${JSON.stringify(parent)}` : '';
  return checkedLineOf(`{"t":"cp","ns":${JSON.stringify(ns)},"id":${JSON.stringify(id)}${parentMember},"base":${JSON.stringify(base)},"d":${patchText}}`);
}

/** A line read back (without its newline), or the reason it cannot be trusted. */
export function decodeLine(text: string): { line: LogLine } | { error: string } {
  const decoded = decodeCheckedLine(text);
  if ('error' in decoded) return decoded;
  if (typeof decoded.value.t !== 'string') return { error: 'not a log line' };
  return { line: decoded.value as unknown as LogLine };
}

export interface ParsedLog {
  lines: LogLine[];
  /** Bytes of the file that hold whole, valid lines. */
  validBytes: number;
  /** What follows the valid lines (a torn or damaged tail, not counting reserved room), if anything. */
  badTail?: { offset: number; bytes: number; reason: string; complete: boolean; idHint?: string };
}

const NEWLINE = 0x0a;

/**
 * Where the lines of a log end: a writer reserves room after them filled with newlines
 * (`group-commit-log.ts`), so a run of newlines at the end of the file is room, except the first,
 * which ends the last line. Returns the end and whether room followed.
 */
export function endOfLines(buffer: Buffer): { end: number; padded: boolean } {
  let end = buffer.length;
  while (end > 1 && buffer[end - 1] === NEWLINE && buffer[end - 2] === NEWLINE) end--;
  return { end, padded: end < buffer.length };
}

/**
 * Splits a log into its valid lines. Reading stops at the first line that is torn (no newline),
 * damaged (checksum) or empty (a gap a torn write left in reserved room): what follows it may depend
 * on it, so the log is trusted up to there only. A damaged last line followed by reserved room may
 * be a write in progress, like a torn one (`complete: false`).
 */
export function parseLog(buffer: Buffer): ParsedLog {
  const { end, padded } = endOfLines(buffer);
  const parsed = parseCheckedLines<LogLine>(end < buffer.length ? buffer.subarray(0, end) : buffer);
  const lines = parsed.values.filter((line) => typeof line.t === 'string');
  if (!parsed.badTail) return { lines, validBytes: parsed.validBytes };
  const { text, ...tail } = parsed.badTail;
  if (text === '') tail.reason = 'an empty line (a gap left by a torn write)';
  else if (padded && tail.offset + Buffer.byteLength(text) + 1 === end) tail.complete = false;
  const idHint = /"id":"([^"]+)"/.exec(text)?.[1] ?? /"cp":"([^"]+)"/.exec(text)?.[1];
  return { lines, validBytes: parsed.validBytes, badTail: { ...tail, ...(idHint ? { idHint } : {}) } };
}

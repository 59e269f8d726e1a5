import { crc32 } from 'node:zlib';
import type { RunRecord } from '../api/index.js';
import { encodeCheckedLine, parseCheckedLines } from '../checked-line.js';

/**
 * Changes to a run record since it was last written whole, appended to `<runId>.changes.jsonl`
 * next to `<runId>.json`: one checked line per batch of changes, holding only the top-level fields
 * and node entries that changed. Each line names the version of the record it applies to (`base`,
 * a CRC-32 of the record file's text), so lines left over from before a rewrite are never applied
 * to the newer record, and a torn last line is ignored. Readers see the record with its changes
 * applied; the record is rewritten whole (and the journal removed) at pauses and outcomes, and when
 * the journal has grown as large as the record.
 */
export interface RecordDelta {
  base: string;
  /** Top-level fields set (`nodes` excepted). */
  set?: Record<string, unknown>;
  /** Top-level fields removed. */
  unset?: string[];
  /** Node entries that changed, whole. */
  nodes?: Record<string, unknown>;
}

export function journalFileOf(recordFile: string): string {
  return recordFile.replace(/\.json$/, '.changes.jsonl');
}

/** The version of a record file's text that journal lines name. */
export function recordVersionOf(text: string): string {
  return crc32(text).toString(16).padStart(8, '0');
}

/** The deltas of a journal that apply to the record whose version is `base`. */
export function deltasFor(journal: Buffer, base: string): RecordDelta[] {
  return parseCheckedLines<RecordDelta>(journal).values.filter((delta) => delta.base === base);
}

export function applyDeltas(record: Record<string, unknown>, deltas: RecordDelta[]): Record<string, unknown> {
  for (const delta of deltas) {
    for (const field of delta.unset ?? []) delete record[field];
    Object.assign(record, delta.set ?? {});
    if (delta.nodes) record.nodes = { ...((record.nodes as Record<string, unknown> | undefined) ?? {}), ...delta.nodes };
  }
  return record;
}

/**
 * Tells what changed in a record since the last line (or whole write): compares each top-level field
 * and each node entry with its JSON as last written. Work in proportion to the record's size, but
 * bytes written in proportion to what changed.
 */
export class RecordChanges {
  private fields = new Map<string, string>();
  private nodes = new Map<string, string>();

  /** The record was written whole: it is the new reference. */
  reset(record: RunRecord): void {
    this.fields.clear();
    this.nodes.clear();
    for (const [field, value] of Object.entries(record)) {
      if (field !== 'nodes' && value !== undefined) this.fields.set(field, JSON.stringify(value));
    }
    for (const [id, entry] of Object.entries(record.nodes ?? {})) this.nodes.set(id, JSON.stringify(entry));
  }

  /** The journal line for what changed (and takes it as written), or undefined. */
  next(record: RunRecord, base: string): string | undefined {
    const delta: RecordDelta = { base };
    for (const [field, value] of Object.entries(record)) {
      if (field === 'nodes' || value === undefined) continue;
      const text = JSON.stringify(value);
      if (this.fields.get(field) !== text) {
        (delta.set ??= {})[field] = value;
        this.fields.set(field, text);
      }
    }
    for (const field of [...this.fields.keys()]) {
      if ((record as Record<string, unknown>)[field] === undefined) {
        (delta.unset ??= []).push(field);
        this.fields.delete(field);
      }
    }
    for (const [id, entry] of Object.entries(record.nodes ?? {})) {
      const text = JSON.stringify(entry);
      if (this.nodes.get(id) !== text) {
        (delta.nodes ??= {})[id] = entry;
        this.nodes.set(id, text);
      }
    }
    if (!delta.set && !delta.unset && !delta.nodes) return undefined;
    return encodeCheckedLine(delta);
  }
}

import { open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { formatFieldIssues, OrchError, readJsonFile, toFieldIssues, toStoredJson, withFileLock, writeFileAtomicSync } from '../../../kernel/index.js';
import { RunRecordSchema, type RunRecord } from '../api/index.js';
import { CoalescingWriter } from '../coalescing-writer.js';
import { applyDeltas, deltasFor, journalFileOf, RecordChanges, recordVersionOf } from './run-record-journal.js';
import { StateWriteError } from './write-failure.js';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * `state/runs/<runId>.json`: one record per run, plus `<runId>.changes.jsonl` while it executes —
 * the changes since the record was last written whole (see `run-record-journal.ts`). Reads return
 * the record with its changes applied.
 */
export class RunRecords {
  constructor(readonly folder: string) {}

  fileOf(runId: string): string {
    if (!RUN_ID.test(runId) || runId.includes('..')) throw new OrchError('invalid_input', `"${runId}" is not a run id`);
    return join(this.folder, `${runId}.json`);
  }

  async read(runId: string): Promise<RunRecord | undefined> {
    return this.readFile(this.fileOf(runId));
  }

  async get(runId: string): Promise<RunRecord> {
    const record = await this.read(runId);
    if (!record) throw new OrchError('not_found', `No run "${runId}" (looked for ${this.fileOf(runId)}); \`orch run:list\` shows the runs`);
    return record;
  }

  /** Every record on file; malformed ones are reported to `onProblem` and left out. */
  async list(onProblem?: (file: string, message: string) => void): Promise<RunRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch {
      return [];
    }
    const records: RunRecord[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      try {
        const record = await this.readFile(join(this.folder, name));
        if (record) records.push(record);
      } catch (error) {
        onProblem?.(join(this.folder, name), (error as Error).message);
      }
    }
    return records.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /**
   * Writes the record whole and drops its journal; returns the version journal lines must name and
   * the size written.
   * `trusted`: built by the executor itself, so the schema check is skipped. `journal: false`: the
   * caller knows there is no journal to drop (a new run's, none appended since).
   */
  async write(record: RunRecord, options: { trusted?: boolean; journal?: boolean } = {}): Promise<{ version: string; bytes: number }> {
    const file = this.fileOf(record.runId);
    if (!options.trusted) {
      const parsed = RunRecordSchema.safeParse(record);
      if (!parsed.success) throw new OrchError('invalid_input', `Refusing to write ${file}: ${formatFieldIssues(toFieldIssues(parsed.error))}`, { file });
    }
    const text = toStoredJson(record);
    // On the calling thread (a run's start and end wait for it); a memory run's record is not fsynced,
    // as nothing of such a run outlives its process but this trace of it.
    writeFileAtomicSync(file, text, { durable: record.mode === 'json' });
    // Lines left in the journal name the older version: harmless if this removal never happens.
    if (options.journal !== false) await rm(journalFileOf(file), { force: true }).catch(() => undefined);
    return { version: recordVersionOf(text), bytes: Buffer.byteLength(text) };
  }

  /** Appends journal lines (fsynced with `sync`); a failure is `write_failed`. */
  async append(runId: string, lines: string, sync: boolean): Promise<void> {
    const file = journalFileOf(this.fileOf(runId));
    try {
      const handle = await open(file, 'a');
      try {
        await handle.write(lines);
        if (sync) await handle.datasync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw new OrchError('write_failed', `Could not write ${file}: ${(error as Error).message}`, { file }, { cause: error });
    }
  }

  /** Read-modify-write under the record's inter-process lock (claiming or cancelling a run). */
  async update(runId: string, change: (record: RunRecord) => RunRecord | Promise<RunRecord>): Promise<RunRecord> {
    const file = this.fileOf(runId);
    return withFileLock(file, async () => {
      const current = await this.get(runId);
      const next = await change(current);
      await this.write(next);
      return next;
    });
  }

  /** The record with the node-by-node changes of its journal applied (those written after the record's version). */
  private readFile(file: string): Promise<RunRecord | undefined> {
    return readJsonFile(file, RunRecordSchema, async (data, text) => {
      const journal = await readFile(journalFileOf(file)).catch(() => undefined);
      if (journal && data !== null && typeof data === 'object') applyDeltas(data as Record<string, unknown>, deltasFor(journal, recordVersionOf(text)));
      return data;
    });
  }
}

/** Node-by-node changes reach the journal at most this often while a run executes. */
export const RECORD_WRITE_INTERVAL_MS = 100;
/**
 * The record is rewritten whole once its journal exceeds the record's size plus this (64 KB: a run
 * of a few hundred nodes appends no more, and a rewrite mid-run costs two fsyncs).
 */
const JOURNAL_SLACK_BYTES = 64 * 1024;

/**
 * The record of a run this process executes. Node-by-node changes are appended behind the run to
 * the record's journal, at most every 100 ms, as the node entries and fields that changed (not
 * fsynced: they survive a crash of the process; after a power loss the record is brought up to date
 * from the checkpoints, see `RunSession.reconcile`). Pauses and outcomes rewrite the record whole at
 * once (`save`); adapter scratch data is appended and fsynced at once (`saveScratch`). So bytes
 * written grow with the changes, never with the record's size per node. A background write that
 * fails makes the next change throw, so the run stops `blocked` as with any other failed write. In
 * memory mode only `save` writes (when the run stops or waits).
 */
export class LiveRecord {
  private readonly writer: CoalescingWriter;
  private readonly changes = new RecordChanges();
  private timer?: NodeJS.Timeout;
  private failure?: unknown;
  /** Version of the record file journal lines apply to (unknown until this process wrote it whole). */
  private version?: string;
  private recordBytes = 0;
  private journalBytes = 0;
  private wantWhole = false;
  private wantSync = false;
  /** A journal of this record may be on disk (written by this process since its last whole write, or by another). */
  private journalOnDisk: boolean;

  constructor(
    readonly record: RunRecord,
    private readonly records: RunRecords,
    /** `fresh`: a new run, nothing of it on disk yet. */
    options: { fresh?: boolean } = {},
  ) {
    this.journalOnDisk = !options.fresh;
    // The content is taken when a write starts, so each write is a snapshot.
    this.writer = new CoalescingWriter(() => this.persist());
  }

  /** Marks the record changed; in JSON mode it is written soon. Throws if a background write failed. */
  async changed(): Promise<void> {
    if (this.failure !== undefined) throw new StateWriteError(this.failure);
    this.record.updatedAt = new Date().toISOString();
    if (this.record.mode !== 'json' || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writer.request().catch((error: unknown) => {
        this.failure ??= error;
      });
    }, RECORD_WRITE_INTERVAL_MS);
  }

  /** Writes the record whole now, whatever the mode (the run stopped or waits). */
  async save(): Promise<void> {
    this.record.updatedAt = new Date().toISOString();
    this.wantWhole = true;
    await this.writeNow();
  }

  /**
   * An adapter stored scratch data that must survive a crash (a timer's target, a move in
   * progress): in JSON mode the change reaches the disk before this returns; in memory mode it
   * stays in memory, like the rest of the run.
   */
  async saveScratch(): Promise<void> {
    if (this.record.mode !== 'json') return this.changed();
    this.record.updatedAt = new Date().toISOString();
    this.wantSync = true;
    await this.writeNow();
  }

  /** Waits for writes in flight and writes what is still pending. */
  async idle(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await this.writer.request().catch(() => undefined);
    }
    await this.writer.idle();
  }

  private async writeNow(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await this.writer.request();
      this.failure = undefined;
    } catch (error) {
      throw new StateWriteError(error);
    }
  }

  /** One write: the changes as a journal line, or the record whole (first write, save, a long journal). */
  private async persist(): Promise<void> {
    const whole = this.wantWhole || this.version === undefined || this.journalBytes > this.recordBytes + JOURNAL_SLACK_BYTES;
    const sync = this.wantSync;
    this.wantWhole = false;
    this.wantSync = false;
    if (!whole) {
      const line = this.changes.next(this.record, this.version!);
      if (line === undefined) return;
      this.journalBytes += Buffer.byteLength(line);
      this.journalOnDisk = true;
      try {
        await this.records.append(this.record.runId, line, sync);
      } catch (error) {
        // The next write is whole, so nothing in the lost line is missing afterwards.
        this.version = undefined;
        throw error;
      }
      return;
    }
    const snapshot = structuredClone(this.record);
    this.changes.reset(snapshot);
    this.version = undefined;
    const { version, bytes } = await this.records.write(snapshot, { trusted: true, journal: this.journalOnDisk });
    this.journalOnDisk = false;
    this.version = version;
    this.recordBytes = bytes;
    this.journalBytes = 0;
  }
}

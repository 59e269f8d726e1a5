import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OrchError, readJsonFile, withFileLock, writeJsonFile } from '../../../kernel/index.js';
import { RunRecordSchema, type RunRecord } from '../api/index.js';
import { CoalescingWriter } from '../coalescing-writer.js';
import { StateWriteError } from './write-failure.js';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** `state/runs/<runId>.json`: one record per run. */
export class RunRecords {
  constructor(readonly folder: string) {}

  fileOf(runId: string): string {
    if (!RUN_ID.test(runId) || runId.includes('..')) throw new OrchError('invalid_input', `"${runId}" is not a run id`);
    return join(this.folder, `${runId}.json`);
  }

  async read(runId: string): Promise<RunRecord | undefined> {
    return readJsonFile(this.fileOf(runId), RunRecordSchema);
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
        const record = await readJsonFile(join(this.folder, name), RunRecordSchema);
        if (record) records.push(record);
      } catch (error) {
        onProblem?.(join(this.folder, name), (error as Error).message);
      }
    }
    return records.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** `trusted`: built by the executor itself, so the (per-node, hot-path) schema check is skipped. */
  async write(record: RunRecord, options: { trusted?: boolean } = {}): Promise<void> {
    await writeJsonFile(this.fileOf(record.runId), record, options.trusted ? undefined : RunRecordSchema);
  }

  /** Read-modify-write under the record's inter-process lock (claiming or cancelling a run). */
  async update(runId: string, change: (record: RunRecord) => RunRecord | Promise<RunRecord>): Promise<RunRecord> {
    const file = this.fileOf(runId);
    return withFileLock(file, async () => {
      const current = await this.get(runId);
      const next = await change(current);
      await writeJsonFile(file, next, RunRecordSchema);
      return next;
    });
  }
}

/** Node-by-node changes reach the file at most this often while a run executes. */
export const RECORD_WRITE_INTERVAL_MS = 100;

/**
 * The record of a run this process executes. Node-by-node changes are written behind the run, at
 * most every 100 ms (a 500-node plan would otherwise rewrite a growing record a thousand times);
 * pauses, outcomes and adapter scratch data are written at once (`save`). The checkpoints are what
 * a run resumes from; after a crash the record is brought up to date from them (see
 * `RunSession.reconcile`). A background write that fails makes the next change throw, so the run
 * stops `blocked` as with any other failed write. In memory mode only `save` writes.
 */
export class LiveRecord {
  private readonly writer: CoalescingWriter;
  private timer?: NodeJS.Timeout;
  private failure?: unknown;

  constructor(
    readonly record: RunRecord,
    private readonly records: RunRecords,
  ) {
    // writeJsonFile serialises synchronously when called, so each write is a snapshot.
    this.writer = new CoalescingWriter(() => this.records.write(this.record, { trusted: true }));
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

  /** Writes the record now, whatever the mode (the run stopped, waits, or an adapter saved scratch data). */
  async save(): Promise<void> {
    this.record.updatedAt = new Date().toISOString();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await this.writer.request();
      this.failure = undefined;
    } catch (error) {
      throw new StateWriteError(error);
    }
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
}

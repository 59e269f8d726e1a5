import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OrchError, readJsonFile, RunRecordSchema, withFileLock, writeJsonFile, type RunRecord } from '../../../kernel/index.js';
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

/**
 * The record of a run this process executes. In JSON mode every change is written (coalesced:
 * changes made while a write is in flight go out together in the next one); in memory mode it is
 * written only when the run stops, so a debug run costs no disk writes per node.
 */
export class LiveRecord {
  private readonly writer: CoalescingWriter;

  constructor(
    readonly record: RunRecord,
    private readonly records: RunRecords,
  ) {
    // writeJsonFile serialises synchronously when called, so each write is a snapshot.
    this.writer = new CoalescingWriter(() => this.records.write(this.record, { trusted: true }));
  }

  /** Marks the record changed and, in JSON mode, writes it. Rejects with `write_failed`. */
  async changed(): Promise<void> {
    this.record.updatedAt = new Date().toISOString();
    if (this.record.mode === 'json') await this.write();
  }

  /** Writes the record whatever the mode (the run stopped or waits). */
  async save(): Promise<void> {
    this.record.updatedAt = new Date().toISOString();
    await this.write();
  }

  private async write(): Promise<void> {
    try {
      await this.writer.request();
    } catch (error) {
      throw new StateWriteError(error);
    }
  }

  idle(): Promise<void> {
    return this.writer.idle();
  }
}

import { closeSync, fdatasync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { OrchError, syncFolder } from '../../../kernel/index.js';

const datasync = promisify(fdatasync);

interface LineItem {
  kind: 'line';
  text: string;
  sync: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface JobItem {
  kind: 'job';
  run: () => Promise<number>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Counts of the disk work a log did (for the benchmark and tests). */
export interface LogStats {
  fsyncs: number;
  bytes: number;
}

/**
 * An append-only file with group commit. Lines are appended in the order they are given; all the
 * lines waiting when the file becomes free go out in one `write`, followed by one `fdatasync` if
 * any of them asked for durability — so concurrent writers share one fsync. `append` resolves once
 * the line is in the file (and on disk, with `sync`). Jobs (compaction: the file replaced whole) run
 * in the same order, alone. A failed write rejects with `write_failed`, cuts the file back to its
 * last whole line, and fails everything after it: the log stays a clean prefix of what was asked.
 */
export class GroupCommitLog {
  private readonly queue: (LineItem | JobItem)[] = [];
  private pumping?: Promise<void>;
  private failure?: unknown;
  /** Lines were written since the last fsync. */
  private dirty = false;

  constructor(
    readonly file: string,
    /** Bytes in the file now (whole lines). */
    public size: number,
    private readonly stats?: LogStats,
    /** `newFile`: the file is being created: its folder is fsynced after the first fsync. */
    private readonly options: { newFile?: boolean } = {},
  ) {
    this.folderUnsynced = options.newFile ?? false;
  }

  private folderUnsynced: boolean;

  append(text: string, sync: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure !== undefined) return reject(this.failure);
      this.queue.push({ kind: 'line', text, sync, resolve, reject });
      this.pump();
    });
  }

  /** Brings every line written so far to the disk (one fsync, if any line is not there yet). */
  sync(): Promise<void> {
    if (!this.dirty && !this.pumping) return Promise.resolve();
    return this.append('', true);
  }

  /** Runs `job` once every line given before it is written; it returns the file's new size. */
  job(run: () => Promise<number>): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure !== undefined) return reject(this.failure);
      this.queue.push({ kind: 'job', run, resolve, reject });
      this.pump();
    });
  }

  /** Resolves when nothing is queued or being written. */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /** Lines or jobs are queued or being written. */
  get busy(): boolean {
    return this.pumping !== undefined || this.queue.length > 0;
  }

  /** Once a write failed, the log refuses everything: its owner reloads the file. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = this.drain();
  }

  /** Writes until the queue is empty; `pumping` is cleared in the same turn the queue is seen empty. */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const first = this.queue[0]!;
        if (first.kind === 'job') {
          this.queue.shift();
          try {
            this.size = await first.run();
            this.dirty = false;
            this.folderUnsynced = false;
            first.resolve();
          } catch (error) {
            this.fail(error, [first]);
          }
          continue;
        }
        let end = 0;
        while (end < this.queue.length && this.queue[end]!.kind === 'line') end++;
        const batch = this.queue.splice(0, end) as LineItem[];
        try {
          await this.writeBatch(batch);
          for (const item of batch) item.resolve();
        } catch (error) {
          this.fail(error, batch);
        }
      }
    } finally {
      this.pumping = undefined;
    }
  }

  /**
   * One batch: opened, written and closed synchronously (a few microseconds for an append that
   * lands in the page cache, cheaper than three round trips through the thread pool), fsynced
   * asynchronously. Opening by path each time also notices a folder replaced meanwhile.
   */
  private async writeBatch(batch: LineItem[]): Promise<void> {
    const data = Buffer.from(batch.map((item) => item.text).join(''), 'utf8');
    const sync = batch.some((item) => item.sync);
    let fd: number;
    try {
      fd = openSync(this.file, 'a');
    } catch (error) {
      throw writeFailed(this.file, error);
    }
    try {
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written, data.length - written);
      if (sync) {
        await datasync(fd);
        if (this.stats) this.stats.fsyncs++;
        this.dirty = false;
        if (this.folderUnsynced) {
          await syncFolder(dirname(this.file));
          if (this.stats) this.stats.fsyncs++;
          this.folderUnsynced = false;
        }
      } else if (data.length > 0) this.dirty = true;
      if (this.stats) this.stats.bytes += data.length;
      this.size += data.length;
    } catch (error) {
      // A partial line must not stay: the next reader would stop there.
      try {
        ftruncateSync(fd, this.size);
      } catch {
        await truncate(this.file, this.size).catch(() => undefined);
      }
      throw writeFailed(this.file, error);
    } finally {
      try {
        closeSync(fd);
      } catch {
        // nothing left to do with it
      }
    }
  }

  private fail(error: unknown, items: (LineItem | JobItem)[]): void {
    this.failure = error;
    for (const item of [...items, ...this.queue.splice(0)]) item.reject(error);
  }
}

export function writeFailed(file: string, error: unknown): OrchError {
  if (error instanceof OrchError) return error;
  return new OrchError('write_failed', `Could not write ${file}: ${(error as Error).message}`, { file }, { cause: error });
}

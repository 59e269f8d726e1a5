import { closeSync, constants, fdatasyncSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OrchError, syncFolderSync } from '../../../kernel/index.js';

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
  /** Bytes of lines written (padding not counted). */
  bytes: number;
  /** Bytes of padding written to reserve room ahead of the lines. */
  padding?: number;
}

/**
 * Reserved room ahead of the lines is filled with newlines: readers take a run of newlines at the
 * end for the end of the log (no line is empty), and `jq` or `split('\n')` read the file as before.
 */
export const PAD_BYTE = 0x0a;
/** Opened for positional writes: created when missing, never truncated, not O_APPEND. */
const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT;
let padding = Buffer.alloc(0);
function paddingOf(bytes: number): Buffer {
  if (padding.length < bytes) padding = Buffer.alloc(Math.max(bytes, 64 * 1024), PAD_BYTE);
  return padding.subarray(0, bytes);
}
const roundUp = (bytes: number, unit: number) => Math.ceil(bytes / unit) * unit;

/**
 * An append-only file with group commit. Lines are appended in the order they are given; all the
 * lines given in the same turn of the event loop (or while a job runs) go out in one `write`,
 * followed by one `fdatasync` if any of them asked for durability — so concurrent writers share
 * one fsync. `append` resolves once
 * the line is in the file (and on disk, with `sync`). Jobs (compaction: the file replaced whole) run
 * in the same order, alone. A failed write rejects with `write_failed`, cuts the file back to its
 * last whole line, and fails everything after it: the log stays a clean prefix of what was asked.
 *
 * With `growBy`, the file is kept longer than its lines: room is reserved ahead of them, filled with
 * newlines, `growBy` bytes (or `reserve`'s size) at a time, and lines are written over it in place.
 * An fdatasync of a write that neither grows the file nor fills a hole has no metadata to commit,
 * so it skips the filesystem journal — where, on a busy disk, it would wait for every other
 * process's metadata (ext4's jbd2 commit). Only the batch that reserves more room pays that.
 */
export class GroupCommitLog {
  private readonly queue: (LineItem | JobItem)[] = [];
  private pumping?: Promise<void>;
  private failure?: unknown;
  /** Lines were written since the last fsync. */
  private dirty = false;
  /** Bytes the file holds, lines and reserved room (-1: unknown, learnt at the next write). */
  private allocated = -1;
  /** Room the owner asked to have reserved (`reserve`). */
  private reserved = 0;
  /** A deferred fsync is due (`syncWithin`). */
  private syncTimer?: NodeJS.Timeout;

  constructor(
    readonly file: string,
    /** Bytes in the file now (whole lines). */
    public size: number,
    private readonly stats?: LogStats,
    /**
     * `newFile`: the file is being created: its folder is fsynced after the first fsync.
     * `growBy`: reserve room ahead of the lines, this many bytes at least each time (see above).
     */
    private readonly options: { newFile?: boolean; growBy?: number } = {},
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

  /**
   * Brings the lines written so far to the disk within `ms` — one fsync then, for every line
   * written meanwhile — unless a sync comes first. The timer does not keep the process alive: the
   * lines are in the operating system's hands already (a crash of the process loses none); the
   * owner syncs on shutdown. A failed fsync fails the log, so the next append rejects.
   */
  syncWithin(ms: number): void {
    if (this.syncTimer || this.failure !== undefined) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.sync().catch(() => undefined);
    }, ms);
    this.syncTimer.unref();
  }

  /** Asks for the file to hold at least `bytes` (lines and room) from the next write on (with `growBy`). */
  reserve(bytes: number): void {
    this.reserved = Math.max(this.reserved, bytes);
  }

  /**
   * Runs `job` once every line given before it is written; it returns the size of the lines in the
   * file it leaves (which may hold reserved room after them).
   */
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
    // Started after the current turn, so lines given in the same turn go out together.
    this.pumping = Promise.resolve().then(() => this.drain());
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
            this.allocated = -1;
            this.reserved = 0;
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
   * One batch: opened, written, fsynced and closed synchronously, on the calling thread, as
   * SQLite does. A write lands in the page cache in microseconds; an fdatasync over reserved room
   * takes a fraction of a millisecond on an idle disk — and through the thread pool it cost three
   * thread wake-ups per step (the worker, its return, the event loop), which on a busy machine
   * cost more than the fsync itself (measured: the wait per step halved, see docs/executor.md).
   * Opening by path each time also notices a folder replaced meanwhile.
   */
  private async writeBatch(batch: LineItem[]): Promise<void> {
    const data = Buffer.from(batch.length === 1 ? batch[0]!.text : batch.map((item) => item.text).join(''), 'utf8');
    const sync = batch.some((item) => item.sync);
    let fd: number;
    try {
      fd = openSync(this.file, this.options.growBy ? WRITE_FLAGS : 'a');
    } catch (error) {
      throw writeFailed(this.file, error);
    }
    if (this.options.growBy && this.allocated < 0) {
      try {
        this.allocated = fstatSync(fd).size;
      } catch (error) {
        closeSync(fd);
        throw writeFailed(this.file, error);
      }
      if (this.allocated < this.size) {
        // Written at its end, the lines would follow a hole: the file was replaced or cut meanwhile.
        closeSync(fd);
        const found = this.allocated;
        this.allocated = -1;
        throw writeFailed(this.file, new Error(`it holds ${found} bytes, fewer than the ${this.size} of lines written to it (replaced or cut by someone else)`));
      }
    }
    try {
      if (this.options.growBy) {
        writeAll(fd, data, this.size);
        this.reserveRoom(fd, this.size + data.length);
      } else writeAll(fd, data);
      if (sync) {
        fdatasyncSync(fd);
        if (this.stats) this.stats.fsyncs++;
        this.dirty = false;
        if (this.folderUnsynced) {
          syncFolderSync(dirname(this.file));
          if (this.stats) this.stats.fsyncs++;
          this.folderUnsynced = false;
        }
      } else if (data.length > 0) this.dirty = true;
      if (this.stats) this.stats.bytes += data.length;
      this.size += data.length;
    } catch (error) {
      // A partial line must not stay: the next reader would stop there. (Reserved room goes too.)
      this.allocated = -1;
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

  /**
   * Reserves room after `end` (the end of the lines once this batch is written) when the file is
   * too short: up to what `reserve` asked, and at least `growBy` bytes past `end`, in whole pages.
   */
  private reserveRoom(fd: number, end: number): void {
    const growBy = this.options.growBy!;
    const wanted = Math.max(this.reserved, end > this.allocated ? end + growBy : 0);
    if (wanted <= this.allocated) return;
    const from = Math.max(end, this.allocated);
    const to = roundUp(wanted, 4096);
    writeAll(fd, paddingOf(to - from), from);
    this.allocated = to;
    if (this.stats) this.stats.padding = (this.stats.padding ?? 0) + (to - from);
  }

  private fail(error: unknown, items: (LineItem | JobItem)[]): void {
    this.failure = error;
    for (const item of [...items, ...this.queue.splice(0)]) item.reject(error);
  }
}

/** Writes all of `data` (at `position`, or at the end of an O_APPEND file). */
function writeAll(fd: number, data: Buffer, position?: number): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written, data.length - written, position === undefined ? null : position + written);
}

export function writeFailed(file: string, error: unknown): OrchError {
  if (error instanceof OrchError) return error;
  return new OrchError('write_failed', `Could not write ${file}: ${(error as Error).message}`, { file }, { cause: error });
}

import { statSync } from 'node:fs';

/**
 * What was parsed from a file, reused while the file is still the one that was parsed: the same
 * inode, size, modification and change times. Every writer of the plan store replaces files by
 * renaming a new one over them (a new inode), so a save by another process, a rollback or a
 * restored backup is seen at the next read. A run of a stored plan reads the index and a version
 * file each time; parsing them again (and the thread-pool round trips of opening and reading two
 * files) cost several milliseconds per run, a stat a few microseconds.
 *
 * The stat is synchronous on purpose: one metadata lookup of a local file takes less time than the
 * round trip through libuv's thread pool that an asynchronous one needs, which on a busy machine
 * waits for a free CPU.
 */
export class UnchangedFileCache<T> {
  private readonly entries = new Map<string, { key: string; value: T }>();

  constructor(private readonly limit: number) {}

  /**
   * The value parsed from `file` by `load`, reused while the file is unchanged. A missing or
   * unreadable file is left to `load` (which reports it) and nothing is kept.
   */
  async get(file: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const key = statKeyOf(file);
    const cached = this.entries.get(file);
    if (key !== undefined && cached?.key === key) return cached.value;
    // Stat first, read second: a file replaced in between is kept under the older key and read
    // again next time — never the reverse.
    const value = await load();
    if (key === undefined || value === undefined) {
      this.entries.delete(file);
      return value;
    }
    this.entries.delete(file);
    this.entries.set(file, { key, value });
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

function statKeyOf(file: string): string | undefined {
  try {
    const stat = statSync(file, { bigint: true });
    return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
  } catch {
    return undefined;
  }
}

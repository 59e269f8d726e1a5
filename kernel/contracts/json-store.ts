import type { z } from 'zod';

/**
 * Typed JSON files on local disk. Reads go through a Zod schema (a malformed file is an
 * `invalid_input` error naming the file and field, and is never overwritten); writes are atomic
 * (temp file, fsync, rename) and end with a newline; `update` runs under an inter-process lock.
 * A failed write throws `write_failed`: the caller must stop the work that needed it.
 */
export interface JsonStore {
  /** The parsed file, or `undefined` when it does not exist. */
  read<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S> | undefined>;
  /** Atomic write of `value` (validated by `schema` when given). */
  write<S extends z.ZodType>(file: string, value: z.input<S>, schema?: S): Promise<void>;
  /**
   * Read-modify-write under the file's inter-process lock. `initial` is used when the file is
   * missing. `change` may throw to abort without writing. Returns what was written.
   */
  update<S extends z.ZodType>(
    file: string,
    schema: S,
    initial: () => z.output<S>,
    change: (current: z.output<S>) => z.output<S> | Promise<z.output<S>>,
  ): Promise<z.output<S>>;
  /** Runs `work` holding the inter-process lock of `file` (for multi-file transactions). */
  withLock<T>(file: string, work: () => Promise<T>): Promise<T>;
}
export const JsonStore = Symbol.for('orch.JsonStore');

import { join } from 'node:path';
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { isOrchError, JsonStore, OrchError, Paths } from '../../kernel/index.js';
import { ApprovalDecisionSchema, ApprovalRequestSchema, ApprovalWithdrawalSchema, type ApprovalRecord } from './api/index.js';

/** `state/approvals/pending.json`: requests nobody has decided yet. */
export const PendingFileSchema = z.strictObject({ approvals: z.array(ApprovalRequestSchema) });
const CompletedRecordSchema = ApprovalRequestSchema.extend({
  decision: ApprovalDecisionSchema.optional(),
  withdrawal: ApprovalWithdrawalSchema.optional(),
}).refine((r) => (r.decision === undefined) !== (r.withdrawal === undefined), {
  message: 'a completed approval has a decision or a withdrawal (exactly one)',
  path: ['decision'],
});

/**
 * `state/approvals/completed.json`: the audit record — decided requests, each with its decision, and
 * requests withdrawn because their run ended first, each with its withdrawal.
 */
export const CompletedFileSchema = z.strictObject({
  approvals: z.array(CompletedRecordSchema),
});

export type PendingRecord = z.output<typeof ApprovalRequestSchema>;
export type CompletedRecord = z.output<typeof CompletedRecordSchema>;
export type DecidedRecord = CompletedRecord & { decision: NonNullable<CompletedRecord['decision']> };

/** Both files as one value; a transaction changes them together. */
export interface ApprovalBook {
  pending: PendingRecord[];
  completed: CompletedRecord[];
}

/**
 * The two approval files and the one inter-process lock that guards them as a pair
 * (`state/approvals/approvals.lock`), so moving a record from pending to completed is one
 * transaction for every process on the machine.
 *
 * Crash safety without a journal: `completed.json` is written before `pending.json`. A crash
 * between the two leaves the record in both files; `completed` wins on every read (the record
 * counts as decided and is dropped from `pending` by the next write), so a decision is never lost
 * and never doubled.
 */
@injectable()
export class ApprovalFiles {
  readonly folder: string;
  readonly pendingFile: string;
  readonly completedFile: string;

  constructor(
    @inject(Paths) paths: Paths,
    @inject(JsonStore) private readonly store: JsonStore,
  ) {
    this.folder = paths.state('approvals');
    this.pendingFile = join(this.folder, 'pending.json');
    this.completedFile = join(this.folder, 'completed.json');
  }

  /** Both files as they are now, without the lock (each file is replaced atomically, so never torn). */
  async read(): Promise<ApprovalBook> {
    const { pending, completed } = await this.readReconciled();
    return { pending, completed };
  }

  /**
   * Runs `change` on both files under the lock and writes back what it returns (only the files
   * that changed). When `change` throws, or a file is malformed, nothing is written.
   *
   * Group commit: changes asked for while a commit holds the lock wait for it together and are
   * then applied in order, one after the other, to one read of the files, and written once — so
   * 100 decisions at once take a handful of lock holds, not 100, and each hold stays one read and
   * one write. A change that throws fails alone (the others see the book as it was before it); a
   * write that fails fails every change of its batch (none of them is on disk).
   */
  transact<T>(change: (book: ApprovalBook) => { book?: ApprovalBook; result: T }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ change, resolve: resolve as (value: unknown) => void, reject });
      if (!this.committing) void this.drain();
    });
  }

  private queued: QueuedChange[] = [];
  private committing = false;

  private async drain(): Promise<void> {
    this.committing = true;
    try {
      while (this.queued.length > 0) await this.commit(this.queued.splice(0, MAX_BATCH));
    } finally {
      this.committing = false;
    }
  }

  private async commit(batch: QueuedChange[]): Promise<void> {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      await this.store.withLock(join(this.folder, 'approvals'), async () => {
        const before = await this.readReconciled();
        let book: ApprovalBook = { pending: before.pending, completed: before.completed };
        let changed = false;
        for (const { change } of batch) {
          try {
            const { book: next, result } = change({ pending: [...book.pending], completed: [...book.completed] });
            if (next) {
              book = reconcile(next);
              changed = true;
            }
            outcomes.push({ ok: true, value: result });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
        if (changed) {
          if (book.completed.length !== before.completed.length || book.completed.some((r, i) => r !== before.completed[i])) {
            await this.store.write(this.completedFile, { approvals: book.completed }, CompletedFileSchema);
          }
          if (book.pending.length !== before.pending.length || book.pending.some((r, i) => r !== before.pending[i]) || before.repaired) {
            await this.store.write(this.pendingFile, { approvals: book.pending }, PendingFileSchema);
          }
        }
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
  }

  private async readReconciled(): Promise<ApprovalBook & { repaired?: boolean }> {
    // pending first: writers replace completed.json before pending.json, so a record missing from
    // the pending we read is already in the completed we read next — never in neither.
    const pending = await this.readOne(this.pendingFile, PendingFileSchema);
    const completed = await this.readOne(this.completedFile, CompletedFileSchema);
    return reconcile({ pending: pending?.approvals ?? [], completed: completed?.approvals ?? [] });
  }

  private async readOne<S extends z.ZodType>(file: string, schema: S): Promise<z.output<S> | undefined> {
    try {
      return await this.store.read(file, schema);
    } catch (error) {
      if (isOrchError(error) && error.code === 'invalid_input') {
        throw new OrchError(
          'invalid_input',
          `${error.message} — nothing was changed; fix the file by hand (or restore it from a backup) and try again`,
          { ...error.details, file },
          { cause: error },
        );
      }
      throw error;
    }
  }
}

interface QueuedChange {
  change: (book: ApprovalBook) => { book?: ApprovalBook; result: unknown };
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Most changes written by one commit (bounds how long one hold of the lock can take). */
const MAX_BATCH = 200;

/** `completed` wins: a record in both files (a crash between the two writes) is decided. */
function reconcile(book: ApprovalBook): ApprovalBook & { repaired?: boolean } {
  const decided = new Set(book.completed.map((r) => r.id));
  const pending = book.pending.filter((r) => !decided.has(r.id));
  return { pending, completed: book.completed, ...(pending.length !== book.pending.length ? { repaired: true } : {}) };
}

export function isCompleted(record: ApprovalRecord): record is CompletedRecord {
  return record.decision !== undefined || record.withdrawal !== undefined;
}

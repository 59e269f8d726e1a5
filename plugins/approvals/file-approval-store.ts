import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { formatFieldIssues, OrchError, redactSecrets, toFieldIssues } from '../../kernel/index.js';
import { ApprovalDecisionSchema, ApprovalRequestSchema, type ApprovalDecision, type ApprovalRecord, type ApprovalStore, type NewApprovalRequest } from './api/index.js';
import { ApprovalAnnouncer } from './approval-announcer.js';
import { ApprovalAudit } from './approval-audit.js';
import { expire, expiryOf, isDue, type Expiry } from './approval-expiry.js';
import { ApprovalFiles, type ApprovalBook, type CompletedRecord, type PendingRecord } from './approval-files.js';
import { matchApprovalId, newApprovalId, unknownApprovalError } from './approval-id.js';
import { capStrings, cutText, STORED_CHARS, STORED_CONTEXT_CHARS } from './approval-preview.js';

const NewRequestSchema = ApprovalRequestSchema.omit({ id: true, requestedAt: true, escalatedAt: true }).extend({
  timeoutMs: z.number().int().positive().optional(),
});
const DecisionInputSchema = ApprovalDecisionSchema.omit({ decidedAt: true });

/** Said where a stored value was cut. */
const NOT_STORED = ' not stored';

/**
 * The approval store on `state/approvals/{pending,completed}.json`. Every change is one
 * transaction under the pair's inter-process lock; events and audit lines follow the write, so
 * nothing is announced that is not on disk. Expired requests are settled whenever a transaction
 * touches them, so the stored expiry holds across restarts and processes.
 */
@injectable()
export class FileApprovalStore implements ApprovalStore {
  constructor(
    @inject(ApprovalFiles) readonly files: ApprovalFiles,
    @inject(ApprovalAnnouncer) private readonly announcer: ApprovalAnnouncer,
    @inject(ApprovalAudit) private readonly audit: ApprovalAudit,
  ) {}

  async request(input: NewApprovalRequest): Promise<ApprovalRecord> {
    const parsed = NewRequestSchema.safeParse(input);
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error);
      throw new OrchError('invalid_input', `Invalid approval request: ${formatFieldIssues(issues)}`, { issues });
    }
    const { timeoutMs, ...fields } = parsed.data;
    const now = new Date();
    const outcome = await this.files.transact((book) => {
      const waiting = book.pending.find((r) => r.runId === fields.runId && r.key === fields.key);
      // A withdrawn request does not count: nobody decided it, and its run asking again means the run lives.
      const existing: ApprovalRecord | undefined = waiting ?? book.completed.find((r) => r.runId === fields.runId && r.key === fields.key && !r.withdrawal);
      if (existing) {
        if (waiting && isDue(waiting, now)) {
          const expiry = expire(waiting, now);
          return { book: applyExpiries(book, [expiry]), result: { record: expiry.record as ApprovalRecord, created: false, expiries: [expiry] } };
        }
        return { result: { record: existing as ApprovalRecord, created: false, expiries: [] as Expiry[] } };
      }
      const record: PendingRecord = {
        ...fields,
        title: cutText(fields.title, STORED_CHARS, NOT_STORED),
        prompt: cutText(fields.prompt, STORED_CHARS, NOT_STORED),
        id: newApprovalId(),
        requestedAt: now.toISOString(),
        context: previewOf(fields.context),
        ...(expiryOf({ expiresAt: fields.expiresAt, timeoutMs }, now) ? { expiresAt: expiryOf({ expiresAt: fields.expiresAt, timeoutMs }, now) } : {}),
      };
      if (record.context === undefined) delete record.context;
      return { book: { ...book, pending: [...book.pending, record] }, result: { record: record as ApprovalRecord, created: true, expiries: [] as Expiry[] } };
    });
    if (outcome.created) {
      this.audit.requested(outcome.record);
      this.announcer.requested(outcome.record);
    }
    this.announceExpiries(outcome.expiries);
    return outcome.record;
  }

  async list(options: { includeCompleted?: boolean; runId?: string } = {}): Promise<ApprovalRecord[]> {
    const book = await this.files.read();
    const records: ApprovalRecord[] = options.includeCompleted ? [...book.pending, ...book.completed] : [...book.pending];
    return records.filter((r) => options.runId === undefined || r.runId === options.runId).sort(byRequestTime);
  }

  async get(id: string): Promise<ApprovalRecord | undefined> {
    const book = await this.files.read();
    return book.pending.find((r) => r.id === id) ?? book.completed.find((r) => r.id === id);
  }

  /** `get` that also accepts a unique prefix of the id (what people type). */
  async find(idOrPrefix: string): Promise<ApprovalRecord | undefined> {
    const book = await this.files.read();
    const id = matchApprovalId(idOrPrefix, [...book.pending.map((r) => r.id), ...book.completed.map((r) => r.id)]);
    return id === undefined ? undefined : (book.pending.find((r) => r.id === id) ?? book.completed.find((r) => r.id === id));
  }

  async decide(idOrPrefix: string, input: Omit<ApprovalDecision, 'decidedAt'>): Promise<ApprovalRecord> {
    const parsed = DecisionInputSchema.safeParse(input);
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error);
      throw new OrchError('invalid_input', `Invalid decision: ${formatFieldIssues(issues)}`, { issues });
    }
    const decision = parsed.data;
    const now = new Date();
    const outcome = await this.files.transact<DecideResult>((book) => {
      const id = matchApprovalId(idOrPrefix, [...book.pending.map((r) => r.id), ...book.completed.map((r) => r.id)]);
      const pending = book.pending.find((r) => r.id === id);
      if (!pending) {
        const done = book.completed.find((r) => r.id === id);
        return { result: { error: done ? alreadyDecided(done) : unknownApprovalError(idOrPrefix) } };
      }
      // The stored expiry counts even when nobody was watching the clock: whoever comes first after it settles it.
      if (isDue(pending, now) && pending.onTimeout !== 'escalate' && decision.via !== 'timeout') {
        const expiry = expire(pending, now);
        return { book: applyExpiries(book, [expiry]), result: { expiries: [expiry], error: alreadyDecided(expiry.record as CompletedRecord) } };
      }
      if (pending.approvers?.length && decision.via !== 'timeout' && !pending.approvers.includes(decision.operator)) {
        return {
          result: {
            error: new OrchError(
              'forbidden',
              `${decision.operator} may not decide approval ${pending.id}: its approvers are ${pending.approvers.join(', ')} (pass --operator, or set ORCH_OPERATOR)`,
              { approvalId: pending.id, approvers: pending.approvers, operator: decision.operator },
            ),
          },
        };
      }
      const decided: CompletedRecord = { ...pending, decision: { ...decision, decidedAt: now.toISOString() } };
      return {
        book: { pending: book.pending.filter((r) => r !== pending), completed: [...book.completed, decided] },
        result: { decided },
      };
    });
    this.announceExpiries(outcome.expiries ?? []);
    if (outcome.error) throw outcome.error;
    const decided = outcome.decided!;
    this.audit.decided(decided);
    this.announcer.resolved(decided);
    return decided;
  }

  async withdraw(runId: string, why: { reason: string; runStatus: string; approvalIds?: readonly string[] }): Promise<ApprovalRecord[]> {
    const open = (book: ApprovalBook) => book.pending.filter((r) => r.runId === runId && (why.approvalIds === undefined || why.approvalIds.includes(r.id)));
    // Look before locking: most runs end with nothing open, and the lock is shared with every process.
    if (open(await this.files.read()).length === 0) return [];
    const withdrawnAt = new Date().toISOString();
    const withdrawn = await this.files.transact((book) => {
      const found = open(book);
      if (found.length === 0) return { result: [] as CompletedRecord[] };
      const moved: CompletedRecord[] = found.map((r) => ({ ...r, withdrawal: { outcome: 'withdrawn', reason: why.reason, runStatus: why.runStatus, withdrawnAt } }));
      return { book: { pending: book.pending.filter((r) => !found.includes(r)), completed: [...book.completed, ...moved] }, result: moved };
    });
    for (const record of withdrawn) {
      this.audit.withdrawn(record);
      this.announcer.withdrawn(record);
    }
    return withdrawn;
  }

  async expireDue(options: { runId?: string; now?: Date } = {}): Promise<ApprovalRecord[]> {
    const now = options.now ?? new Date();
    const due = (book: ApprovalBook) => book.pending.filter((r) => (options.runId === undefined || r.runId === options.runId) && isDue(r, now));
    // Look before locking: most calls find nothing to do, and the lock is shared with every process.
    if (due(await this.files.read()).length === 0) return [];
    const expiries = await this.files.transact((book) => {
      const found = due(book).map((r) => expire(r, now));
      return found.length ? { book: applyExpiries(book, found), result: found } : { result: found };
    });
    this.announceExpiries(expiries);
    return expiries.map((e) => e.record);
  }

  private announceExpiries(expiries: readonly Expiry[]): void {
    for (const expiry of expiries) {
      if (expiry.kind === 'decided') {
        this.audit.decided(expiry.record);
        this.announcer.resolved(expiry.record);
      } else {
        this.audit.escalated(expiry.record);
        this.announcer.escalated(expiry.record);
      }
    }
  }
}

interface DecideResult {
  decided?: CompletedRecord;
  error?: OrchError;
  expiries?: Expiry[];
}

function applyExpiries(book: ApprovalBook, expiries: readonly Expiry[]): ApprovalBook {
  const byId = new Map(expiries.map((e) => [e.record.id, e]));
  const pending: PendingRecord[] = [];
  const completed = [...book.completed];
  for (const record of book.pending) {
    const expiry = byId.get(record.id);
    if (!expiry) pending.push(record);
    else if (expiry.kind === 'escalated') pending.push(expiry.record);
    else completed.push(expiry.record);
  }
  return { pending, completed };
}

function alreadyDecided(record: CompletedRecord): OrchError {
  if (record.withdrawal) {
    const { reason, runStatus, withdrawnAt } = record.withdrawal;
    return new OrchError(
      'conflict',
      `Approval ${record.id} was withdrawn at ${withdrawnAt} because its run ended (${runStatus}): ${reason}; there is no run left to act on the decision, so nothing was changed`,
      { approvalId: record.id, withdrawal: record.withdrawal },
    );
  }
  const { operator, decidedAt, outcome, via } = record.decision!;
  return new OrchError('conflict', `Approval ${record.id} was already decided by ${operator} at ${decidedAt} (${outcome} via ${via}); nothing was changed`, {
    approvalId: record.id,
    decision: record.decision,
  });
}

function byRequestTime(a: ApprovalRecord, b: ApprovalRecord): number {
  return a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id);
}

/** Secrets redacted, and each long value cut, so one huge input does not bloat the shared files. */
function previewOf(context: unknown): unknown {
  if (context === undefined) return undefined;
  let redacted: unknown;
  try {
    redacted = JSON.parse(JSON.stringify(redactSecrets(context)) ?? 'null');
  } catch {
    return { preview: cutText(String(context), STORED_CHARS, NOT_STORED), truncated: true };
  }
  const capped = capStrings(redacted, STORED_CHARS, NOT_STORED).value;
  const text = JSON.stringify(capped) ?? '';
  // Many long values together: keep a readable preview of the whole instead.
  return text.length > STORED_CONTEXT_CHARS ? { preview: cutText(text, STORED_CONTEXT_CHARS, NOT_STORED), truncated: true } : capped;
}

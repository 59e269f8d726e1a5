import { watch, type FSWatcher } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { inject, injectable } from 'inversify';
import { describeError, Logger } from '../../kernel/index.js';
import { ApprovalAnnouncer } from './approval-announcer.js';
import { isDue } from './approval-expiry.js';
import { ApprovalFiles, type ApprovalBook } from './approval-files.js';
import { FileApprovalStore } from './file-approval-store.js';

/** How often the files are looked at when no file event arrives (some filesystems send none). */
export const POLL_INTERVAL_MS = 1_000;
/** File events come in bursts (temp file, rename, two files per decision): wait for the burst to end. */
const DEBOUNCE_MS = 30;

/**
 * Server role only. Notices what other processes write to `state/approvals/` — a decision taken by
 * `orch approvals:approve` with no server reachable, a second CLI, a request from a CLI run — and
 * publishes it on the bus once, so the executor resumes the run within a second. Also the clock of
 * the expiry rule: a request whose `expiresAt` passes is settled per its `onTimeout`.
 *
 * fs.watch on the folder (debounced) plus a one-second poll as the fallback; the poll only parses
 * the files when they changed (inode, size, mtime) or an expiry is due.
 */
@injectable()
export class ApprovalWatcher {
  private readonly log: Logger;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private seeded = false;
  private signature = '';
  private nextExpiry = Number.POSITIVE_INFINITY;
  private lastProblem?: string;

  constructor(
    @inject(ApprovalFiles) private readonly files: ApprovalFiles,
    @inject(FileApprovalStore) private readonly store: FileApprovalStore,
    @inject(ApprovalAnnouncer) private readonly announcer: ApprovalAnnouncer,
    @inject(Logger) logger: Logger,
  ) {
    this.log = logger.child({ category: 'approvals', plugin: 'approvals' });
  }

  async start(): Promise<void> {
    await mkdir(this.files.folder, { recursive: true });
    await this.check();
    try {
      this.watcher = watch(this.files.folder, { persistent: false }, () => this.soon());
      this.watcher.on('error', (error) => {
        this.log.warn(`Watching ${this.files.folder} failed; the one-second poll goes on`, { error: describeError(error) });
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (error) {
      this.log.warn(`Cannot watch ${this.files.folder}; polling every ${POLL_INTERVAL_MS} ms instead`, { error: describeError(error) });
    }
    this.timer = setInterval(() => void this.check(), POLL_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    await this.running;
  }

  /** One look at the files now (serialised: a call during a look schedules one more). */
  check(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.look().catch((error: unknown) => this.problem(error));
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private soon(): void {
    if (this.stopped) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.check(), DEBOUNCE_MS);
  }

  private async look(): Promise<void> {
    if (this.stopped) return;
    const signature = await this.signatureOfFiles();
    const now = Date.now();
    if (signature === this.signature && this.seeded && now < this.nextExpiry) return;
    const book = await this.files.read();
    this.signature = signature;
    this.lastProblem = undefined;
    if (!this.seeded) {
      // What is on file when the server starts is history, not news; the executor's start-up
      // recovery reads decisions taken while no server ran straight from the store.
      this.announcer.seed(book);
      this.seeded = true;
    } else {
      this.announce(book);
    }
    const due = book.pending.some((r) => isDue(r, new Date(now)));
    this.nextExpiry = nextExpiryOf(book);
    if (due) {
      await this.store.expireDue();
      this.signature = ''; // the files just changed under us: read them again next time
    }
  }

  private announce(book: ApprovalBook): void {
    for (const record of book.pending) {
      if (this.announcer.requested(record)) {
        this.log.info(`Noticed approval ${record.id} requested by another process`, { approvalId: record.id, runId: record.runId, nodeId: record.nodeId });
      }
      this.announcer.escalated(record);
    }
    for (const record of book.completed) {
      if (record.decision && this.announcer.resolved(record)) {
        this.log.info(`Noticed approval ${record.id} ${record.decision.outcome} by ${record.decision.operator} in another process`, {
          approvalId: record.id,
          runId: record.runId,
          nodeId: record.nodeId,
          via: record.decision.via,
        });
      }
      if (record.withdrawal && this.announcer.withdrawn(record)) {
        this.log.info(`Noticed approval ${record.id} withdrawn in another process: ${record.withdrawal.reason}`, { approvalId: record.id, runId: record.runId, nodeId: record.nodeId });
      }
    }
  }

  private async signatureOfFiles(): Promise<string> {
    const parts = await Promise.all(
      [this.files.pendingFile, this.files.completedFile].map(async (file) => {
        try {
          const s = await stat(file);
          return `${s.ino}:${s.size}:${s.mtimeMs}`;
        } catch {
          return '-';
        }
      }),
    );
    return parts.join('|');
  }

  /** A malformed file is reported once per distinct problem, not every second. */
  private problem(error: unknown): void {
    const message = describeError(error);
    if (message === this.lastProblem) return;
    this.lastProblem = message;
    this.log.error(`Cannot read the approval files: ${message}`, { error: message });
  }
}

function nextExpiryOf(book: ApprovalBook): number {
  let next = Number.POSITIVE_INFINITY;
  for (const record of book.pending) {
    if (!record.expiresAt || record.escalatedAt) continue;
    const at = Date.parse(record.expiresAt);
    if (Number.isFinite(at) && at < next) next = at;
  }
  return next;
}

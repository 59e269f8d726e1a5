import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../../kernel/index.js';

/** Lines a run's journal keeps: once it grows past this plus a fifth, the oldest are cut back to it. */
export const JOURNAL_LINES_KEPT = 5000;
/** Events wait at most this long in memory before they are appended (one write per batch). */
export const JOURNAL_FLUSH_MS = 200;
/** Runs whose journal this process keeps open; the least recently used beyond it are let go. */
const JOURNALS_TRACKED = 500;

/**
 * `state/runs/<runId>/events.jsonl`: the events of one run, one JSON object per line, oldest first.
 * Append-only: a batch of lines is one `appendFile`; the file is rewritten (atomically, the newest
 * `keep` lines) only when it grew a fifth past `keep`, so it stays between `keep` and 1.2 × `keep`
 * lines and costs one rewrite per `keep / 5` events.
 */
export class RunJournal {
  private buffer: string[] = [];
  /** Lines on disk, counted once on first write. */
  private lines?: number;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly keep = JOURNAL_LINES_KEPT,
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  append(event: unknown): void {
    this.buffer.push(JSON.stringify(event));
  }

  /** Appends what is buffered; writes of one journal never overlap. */
  flush(): Promise<void> {
    const next = this.chain.then(() => this.write());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async write(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    await mkdir(dirname(this.file), { recursive: true });
    if (this.lines === undefined) this.lines = countLines(await readText(this.file));
    await appendFile(this.file, `${batch.join('\n')}\n`, 'utf8');
    this.lines += batch.length;
    if (this.lines > this.keep + Math.ceil(this.keep / 5)) {
      const all = (await readText(this.file)).split('\n').filter(Boolean);
      const kept = all.slice(-this.keep);
      await writeFileAtomic(this.file, `${kept.join('\n')}\n`);
      this.lines = kept.length;
    }
  }
}

/**
 * The journals of the runs this process executes in durable (JSON) mode. Every bus event naming a
 * tracked run is buffered and appended within `flushMs`. A run is tracked from the moment its
 * session is made here, so events published about it afterwards (an approval decided while it
 * waits, its cancellation) are kept too; memory-mode runs are never tracked.
 */
export class RunJournals {
  private readonly journals = new Map<string, RunJournal>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly fileOf: (runId: string) => string,
    private readonly onError: (runId: string, error: unknown) => void,
    private readonly options: { keep?: number; flushMs?: number } = {},
  ) {}

  track(runId: string): void {
    const journal = this.journals.get(runId);
    this.journals.delete(runId);
    this.journals.set(runId, journal ?? new RunJournal(this.fileOf(runId), this.options.keep));
    if (this.journals.size > JOURNALS_TRACKED) {
      const [oldest, old] = this.journals.entries().next().value as [string, RunJournal];
      this.journals.delete(oldest);
      old.flush().catch((error: unknown) => this.onError(oldest, error));
    }
  }

  tracks(runId: string): boolean {
    return this.journals.has(runId);
  }

  /** Buffers the event when it names a tracked run. */
  record(event: object): void {
    const runId = (event as { runId?: unknown }).runId;
    if (typeof runId !== 'string') return;
    const journal = this.journals.get(runId);
    if (!journal) return;
    journal.append(event);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flushAll();
    }, this.options.flushMs ?? JOURNAL_FLUSH_MS);
    this.timer.unref?.();
  }

  /** Appends every buffered event now (a failure is reported per run, not thrown: the run goes on). */
  async flushAll(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all(
      [...this.journals.entries()]
        .filter(([, journal]) => journal.pending > 0)
        .map(([runId, journal]) => journal.flush().catch((error: unknown) => this.onError(runId, error))),
    );
  }
}

/** The newest `limit` events of a journal file, oldest first; none when the file does not exist. */
export async function readJournal(file: string, limit = JOURNAL_LINES_KEPT): Promise<unknown[]> {
  const lines = (await readText(file)).split('\n').filter(Boolean).slice(-limit);
  const events: unknown[] = [];
  for (const line of lines) {
    try {
      events.push(JSON.parse(line));
    } catch {
      // A line cut by a crash mid-append: the rest of the journal still reads.
    }
  }
  return events;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}

function countLines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { inject, injectable } from 'inversify';
import { Logger, OrchError, Paths, replaceAtomically, withFileLock } from '../../kernel/index.js';
import { ServerLink } from '../server/api/index.js';
import { packTarGz, unpackTarGz, type ArchiveEntry } from './tar-archive.js';

/** Daily state archives kept unless `--keep` says otherwise. */
export const DEFAULT_KEEP = 7;
/** Weekly log archives kept (as many as deploy/logrotate.conf keeps). */
export const LOG_ARCHIVES_KEPT = 12;
/** What a backup holds, relative to the home. */
const ROOTS = ['state', 'config', 'agents-config', '.codex'] as const;
/** The remediation record (appended under its own lock) in `.codex/`. */
const OPERATIONS_LOG = '.codex/operations-log.md';
/** How long to wait for a writer holding the approvals or plans lock before giving up. */
const LOCK_TIMEOUT_MS = 30_000;

export interface BackupOptions {
  /** Folder for archives (default `$ORCH_BACKUP_DIR`, else `<home>/backups`). */
  to?: string;
  keep?: number;
  now?: Date;
}

export interface BackupReport {
  archive: string;
  files: number;
  bytes: number;
  sha256: string;
  /** Archives deleted because more than `keep` were there. */
  removed: string[];
  kept: number;
  /** The weekly log archive: written now, or already there for this week, or nothing to archive. */
  logs: { archive: string; status: 'written' | 'exists'; files?: number; bytes?: number } | { status: 'none' };
  /** JSON files that did not parse on disk (packed as they are, reported so someone looks). */
  warnings: string[];
}

export interface RestoreReport {
  archive: string;
  files: number;
  /** Where the state that was replaced now is (delete it when the restore is confirmed). */
  previousState?: string;
}

/**
 * Backups as commands: `state:backup` packs `state/` (without locks, temp files, the CLI cache,
 * `server.json` and `secrets/`), `config/`, `agents-config/` and `.codex/` (the operations log) into a dated tar.gz,
 * read under the approvals, plans and operations-log locks so no shared file is caught mid-update, verified byte
 * for byte after it is written; `state:restore` refuses while a server runs and refuses an archive
 * with a file that does not parse, then swaps the archived `state/` in (keeping the old one aside).
 * Every write failure stops with an `OrchError` telling the operator what to do.
 */
@injectable()
export class StateBackup {
  private readonly log: Logger;

  constructor(
    @inject(Paths) private readonly paths: Paths,
    @inject(ServerLink) private readonly link: ServerLink,
    @inject(Logger) logger: Logger,
  ) {
    this.log = logger.child({ category: 'state-backup', plugin: 'state-backup' });
  }

  backupDir(to?: string): string {
    return resolve(to ?? process.env.ORCH_BACKUP_DIR ?? join(this.paths.home, 'backups'));
  }

  async backup(options: BackupOptions = {}): Promise<BackupReport> {
    const keep = options.keep ?? DEFAULT_KEEP;
    if (!Number.isInteger(keep) || keep < 1) throw new OrchError('invalid_input', `--keep must be a whole number of archives, 1 or more (got ${keep})`);
    const home = this.paths.home;
    if (!(await isFolder(this.paths.stateDir))) {
      throw new OrchError('invalid_input', `${home} has no state/ folder: give the Orch home with --home or ORCH_HOME`, { home });
    }
    const now = options.now ?? new Date();
    const dir = this.backupDir(options.to);
    await this.ensureFolder(dir);

    const entries = await this.underStateLocks(() => this.collect());
    const warnings = entries.filter((e) => e.path.endsWith('.json') && !parses(e.data)).map((e) => `${e.path} is not valid JSON on disk (packed as it is)`);
    const archive = join(dir, `orch-state-${day(now)}.tar.gz`);
    const written = await this.writeVerified(archive, entries);
    const removed = await this.prune(dir, /^orch-state-\d{4}-\d{2}-\d{2}\.tar\.gz$/, keep);
    const logs = await this.weeklyLogs(dir, now);
    const report: BackupReport = { archive, files: entries.length, bytes: written.bytes, sha256: written.sha256, removed, kept: keep, logs, warnings };
    this.log.info(`Backed up ${entries.length} files to ${archive}`, { archive, files: entries.length, bytes: written.bytes, removed, warnings });
    return report;
  }

  async restore(archive: string): Promise<RestoreReport> {
    const file = resolve(archive);
    const server = await this.link.locate();
    if (server) {
      throw new OrchError(
        'conflict',
        `An Orch server (pid ${server.pid}, ${server.baseUrl}) is running on ${this.paths.home}: stop it first (systemctl stop orch, pm2 stop orch, or Ctrl-C), then run orch state:restore again`,
        { pid: server.pid },
      );
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new OrchError('not_found', `Cannot read the archive ${file}: ${(error as Error).message}`, { file });
    }
    let entries: ArchiveEntry[];
    try {
      entries = unpackTarGz(bytes);
    } catch (error) {
      throw new OrchError('invalid_input', `${file} is not an Orch backup: ${(error as Error).message}`, { file });
    }
    const problems = checkEntries(entries);
    if (problems.length > 0) {
      throw new OrchError('invalid_input', `${file} was not restored — nothing changed: ${problems.join('; ')}`, { file, issues: problems.map((message) => ({ path: file, message })) });
    }
    if (!entries.some((e) => e.path.startsWith('state/'))) throw new OrchError('invalid_input', `${file} holds no state/ files; nothing was restored`, { file });

    const home = this.paths.home;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const staging = join(home, `.orch-restore-${stamp}`);
    const previous = join(home, `state.before-restore-${stamp}`);
    try {
      for (const entry of entries.filter((e) => e.path.startsWith('state/'))) await this.writeFile(join(staging, entry.path), entry.data, 'restore');
    } catch (error) {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
    let previousState: string | undefined;
    try {
      if (await isFolder(this.paths.stateDir)) {
        await rename(this.paths.stateDir, previous);
        previousState = previous;
      }
      await rename(join(staging, 'state'), this.paths.stateDir);
      // Secrets are never archived: the current ones (of runs still waiting) stay with the home.
      if (previousState && (await isFolder(join(previousState, 'secrets')))) await rename(join(previousState, 'secrets'), join(this.paths.stateDir, 'secrets'));
    } catch (error) {
      throw this.writeFailure(this.paths.stateDir, error, 'restore', previousState);
    } finally {
      await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    }
    for (const entry of entries.filter((e) => !e.path.startsWith('state/'))) await this.writeFile(join(home, entry.path), entry.data, 'restore', previousState);
    this.log.info(`Restored ${entries.length} files from ${file}`, { archive: file, files: entries.length, previousState });
    return { archive: file, files: entries.length, ...(previousState ? { previousState } : {}) };
  }

  /** Every file to pack, read while the approvals and plans locks are held (their writers wait). */
  private async underStateLocks<T>(work: () => Promise<T>): Promise<T> {
    const approvals = this.paths.state('approvals', 'approvals');
    const plans = this.paths.state('plans', 'index.json');
    await mkdir(this.paths.state('approvals'), { recursive: true });
    await mkdir(this.paths.state('plans'), { recursive: true });
    try {
      const opsLog = join(this.paths.home, OPERATIONS_LOG);
      const locked = (await isFile(opsLog)) ? () => withFileLock(opsLog, work, { timeoutMs: LOCK_TIMEOUT_MS }) : work;
      return await withFileLock(approvals, () => withFileLock(plans, locked, { timeoutMs: LOCK_TIMEOUT_MS }), { timeoutMs: LOCK_TIMEOUT_MS });
    } catch (error) {
      if (error instanceof OrchError && error.code === 'timeout') {
        throw new OrchError('timeout', `The state folder is being written (${error.message}); no archive was written. Run orch state:backup again in a minute.`, error.details);
      }
      throw error;
    }
  }

  private async collect(): Promise<ArchiveEntry[]> {
    const home = this.paths.home;
    const entries: ArchiveEntry[] = [];
    for (const root of ROOTS) {
      for (const file of await filesUnder(join(home, root), root === 'state')) entries.push(await entryOf(home, file));
    }
    return entries;
  }

  /** Writes the archive atomically, then reads it back and compares every file; a mismatch deletes it. */
  private async writeVerified(archive: string, entries: ArchiveEntry[]): Promise<{ bytes: number; sha256: string }> {
    const packed = packTarGz(entries);
    await this.writeFile(archive, packed, 'backup');
    const back = await readFile(archive);
    let problem: string | undefined;
    try {
      const unpacked = unpackTarGz(back);
      if (unpacked.length !== entries.length) problem = `it holds ${unpacked.length} files instead of ${entries.length}`;
      else {
        const bad = unpacked.find((e, i) => e.path !== entries[i]!.path || !e.data.equals(entries[i]!.data));
        if (bad) problem = `${bad.path} differs from the file that was packed`;
      }
    } catch (error) {
      problem = (error as Error).message;
    }
    if (problem) {
      await rm(archive, { force: true });
      throw new OrchError('write_failed', `The archive ${archive} did not verify (${problem}) and was deleted. Check the disk of ${archive} (df -h, dmesg), then run orch state:backup again.`, {
        file: archive,
      });
    }
    return { bytes: back.length, sha256: createHash('sha256').update(back).digest('hex') };
  }

  /** `logs/` once per ISO week, as `orch-logs-YYYY-Www.tar.gz`; the newest twelve are kept. */
  private async weeklyLogs(dir: string, now: Date): Promise<BackupReport['logs']> {
    const archive = join(dir, `orch-logs-${isoWeek(now)}.tar.gz`);
    if (await isFile(archive)) return { archive, status: 'exists' };
    const files = await filesUnder(this.paths.logsDir, false);
    if (files.length === 0) return { status: 'none' };
    const entries: ArchiveEntry[] = [];
    for (const file of files) entries.push(await entryOf(this.paths.home, file));
    const written = await this.writeVerified(archive, entries);
    await this.prune(dir, /^orch-logs-\d{4}-W\d{2}\.tar\.gz$/, LOG_ARCHIVES_KEPT);
    return { archive, status: 'written', files: entries.length, bytes: written.bytes };
  }

  private async prune(dir: string, pattern: RegExp, keep: number): Promise<string[]> {
    const archives = (await readdir(dir)).filter((name) => pattern.test(name)).sort().reverse();
    const removed: string[] = [];
    for (const name of archives.slice(keep)) {
      await rm(join(dir, name), { force: true });
      removed.push(join(dir, name));
    }
    return removed;
  }

  private async ensureFolder(dir: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw this.writeFailure(dir, error, 'backup');
    }
  }

  private async writeFile(file: string, data: Buffer, action: 'backup' | 'restore', previousState?: string): Promise<void> {
    try {
      await replaceAtomically(file, (temp) => writeFile(temp, data, { mode: 0o644, flag: 'wx' }));
    } catch (error) {
      throw this.writeFailure(file, error, action, previousState);
    }
  }

  /** A write that failed: stop, and say what was (not) changed and what to do. */
  private writeFailure(file: string, error: unknown, action: 'backup' | 'restore', previousState?: string): OrchError {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'the file system is read-only' : (error as Error).message;
    const advice =
      action === 'backup'
        ? `No archive was written and older archives are untouched. Free space or fix the permissions of ${file} (or choose another folder with --to DIR), then run orch state:backup again.`
        : previousState
          ? `The restore stopped half way: the state from before is in ${previousState}; move it back (rm -rf ${this.paths.stateDir} && mv ${previousState} ${this.paths.stateDir}) or fix the cause and run orch state:restore again.`
          : `The restore stopped before anything was replaced. Fix the cause (df -h, permissions of ${this.paths.home}), then run orch state:restore again.`;
    this.log.error(`${action} failed writing ${file}: ${why}`, { file, code, action });
    return new OrchError('write_failed', `Could not write ${file} (${why}). ${advice}`, { file, code: code ?? null }, { cause: error });
  }
}

/** Problems that make an archive unfit to restore: unsafe paths, unknown folders, JSON that does not parse. */
export function checkEntries(entries: ArchiveEntry[]): string[] {
  const problems: string[] = [];
  for (const entry of entries) {
    const path = entry.path;
    if (isAbsolute(path) || path.split('/').includes('..') || path.includes('\\')) problems.push(`${path}: not a path inside the home`);
    else if (!ROOTS.some((root) => path.startsWith(`${root}/`))) problems.push(`${path}: not part of an Orch backup (${ROOTS.map((r) => `${r}/`).join(', ')})`);
    else if (path.endsWith('.json') && !parses(entry.data)) problems.push(`${path}: ${parseError(entry.data)}`);
  }
  return problems;
}

async function filesUnder(dir: string, isState: boolean): Promise<string[]> {
  const out: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    let names;
    try {
      names = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of names.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(folder, entry.name);
      if (entry.name.endsWith('.lock') || (entry.name.startsWith('.') && entry.name.endsWith('.tmp'))) continue;
      // state/secrets holds the secret inputs of unfinished runs (mode 0600): never copied into an archive.
      if (isState && folder === dir && (entry.name === 'cache' || entry.name === 'server.json' || entry.name === 'secrets')) continue;
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) out.push(full);
    }
  };
  await walk(dir);
  return out;
}

async function entryOf(home: string, file: string): Promise<ArchiveEntry> {
  const [data, info] = await Promise.all([readFile(file), stat(file)]);
  return { path: relative(home, file).split(sep).join('/'), data, mtime: info.mtime };
}

function parses(data: Buffer): boolean {
  return parseError(data) === undefined;
}

function parseError(data: Buffer): string | undefined {
  try {
    JSON.parse(data.toString('utf8'));
    return undefined;
  } catch (error) {
    return `does not parse as JSON (${(error as Error).message})`;
  }
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** Local calendar day, as the archive name: 2026-11-30. */
function day(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** ISO 8601 week: 2026-W49. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((d.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

import { readFile, rm } from 'node:fs/promises';
import { inject, injectable } from 'inversify';
import { describeError, isAlive, JsonStore, Paths, readJsonFile } from '../../kernel/index.js';
import { ServerLocationSchema, type ServerLocation } from './api/index.js';
import { probeHealth } from './health-probe.js';

/** What `state/server.json` says about the server of this home. */
export type ServerFileState =
  | { kind: 'none' }
  /** Left by a process that is gone (or unreadable): safe to replace. */
  | { kind: 'stale'; location?: ServerLocation; reason: string }
  /** The pid runs and `/api/health` answers for this home. */
  | { kind: 'alive'; location: ServerLocation }
  /** The pid runs but the server does not answer (starting, hung, or busy): not safe to replace. */
  | { kind: 'unresponsive'; location: ServerLocation; reason: string };

/**
 * `state/server.json`: how CLI commands find the live server of a home. Written atomically once the
 * server listens, removed on a graceful stop; a file left by a dead process is recognised as stale.
 */
@injectable()
export class ServerFile {
  readonly file: string;

  constructor(
    @inject(Paths) private readonly paths: Paths,
    @inject(JsonStore) private readonly store: JsonStore,
  ) {
    this.file = paths.state('server.json');
  }

  async inspect(healthTimeoutMs = 1500): Promise<ServerFileState> {
    let location: ServerLocation | undefined;
    try {
      location = await readJsonFile(this.file, ServerLocationSchema);
    } catch (error) {
      return { kind: 'stale', reason: `${this.file} is unreadable (${describeError(error)})` };
    }
    if (!location) return { kind: 'none' };
    if (!isAlive(location.pid)) return { kind: 'stale', location, reason: `process ${location.pid} is no longer running` };
    const health = await probeHealth(location.baseUrl, healthTimeoutMs);
    if (health.ok && health.pid === location.pid && health.home === this.paths.home) return { kind: 'alive', location };
    if (health.ok) {
      return { kind: 'stale', location, reason: `${location.baseUrl} answers for another server (pid ${health.pid}, home ${health.home})` };
    }
    if (!(await looksLikeNode(location.pid))) {
      return { kind: 'stale', location, reason: `pid ${location.pid} now belongs to another program` };
    }
    return { kind: 'unresponsive', location, reason: health.reason };
  }

  write(location: ServerLocation): Promise<void> {
    return this.store.write(this.file, location, ServerLocationSchema);
  }

  /** Runs `work` holding the file's inter-process lock, so two servers starting at once cannot both claim the home. */
  withLock<T>(work: () => Promise<T>): Promise<T> {
    return this.store.withLock(this.file, work);
  }

  /** Removes the file if it still names `pid` (a newer server's file is left alone). */
  async removeIfOwnedBy(pid: number): Promise<boolean> {
    return this.store.withLock(this.file, async () => {
      let current: ServerLocation | undefined;
      try {
        current = await readJsonFile(this.file, ServerLocationSchema);
      } catch {
        current = undefined;
      }
      if (current?.pid !== pid) return false;
      await rm(this.file, { force: true });
      return true;
    });
  }
}

/**
 * On Linux, whether the pid is still a Node process (pids are reused after a crash and reboot).
 * Elsewhere, or when /proc cannot be read, assume it is — refusing to start is the safe mistake.
 */
async function looksLikeNode(pid: number): Promise<boolean> {
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return /node|orch|tsx/i.test(cmdline);
  } catch {
    return true;
  }
}

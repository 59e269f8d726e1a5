import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inject, injectable } from 'inversify';
import { describeError, Logger } from '../../kernel/index.js';
import { FileAgentRegistry } from './registry.js';

/** The fallback look at the folder when no file event arrives (some filesystems send none). */
export const AGENTS_POLL_INTERVAL_MS = 1_000;
/** Editors and atomic writes fire several events per save: wait for the burst to end. */
const DEBOUNCE_MS = 50;

/**
 * Long-running processes only: keeps the registry in step with `agents-config/` — a file added,
 * changed or removed is loaded, updated or unloaded within about a second, without a restart.
 * fs.watch on the folder (debounced) plus a one-second poll that rescans only when a file's size or
 * mtime changed.
 */
@injectable()
export class AgentsFolderWatcher {
  private readonly log: Logger;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private signature = '';
  private stopped = false;

  constructor(
    @inject(FileAgentRegistry) private readonly registry: FileAgentRegistry,
    @inject(Logger) logger: Logger,
  ) {
    this.log = logger.child({ category: 'agents', plugin: 'agents' });
  }

  async start(): Promise<void> {
    this.stopped = false;
    await mkdir(this.registry.folder, { recursive: true });
    this.signature = await this.folderSignature();
    try {
      this.watcher = watch(this.registry.folder, { persistent: false }, () => this.soon());
      this.watcher.on('error', (error) => {
        this.log.warn(`Watching ${this.registry.folder} failed; the one-second poll goes on`, { error: describeError(error) });
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (error) {
      this.log.warn(`Cannot watch ${this.registry.folder}; polling every ${AGENTS_POLL_INTERVAL_MS} ms instead`, { error: describeError(error) });
    }
    this.timer = setInterval(() => void this.poll(), AGENTS_POLL_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    await this.registry.scan().catch(() => undefined);
  }

  private soon(): void {
    if (this.stopped) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.rescan(), DEBOUNCE_MS);
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    const signature = await this.folderSignature().catch(() => '');
    if (signature !== this.signature) await this.rescan();
  }

  private async rescan(): Promise<void> {
    if (this.stopped) return;
    this.signature = await this.folderSignature().catch(() => '');
    await this.registry.scan();
  }

  /** Name, size and mtime of each agent file: cheap to compute every second. */
  private async folderSignature(): Promise<string> {
    const names = (await readdir(this.registry.folder)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
    const parts = await Promise.all(
      names.map(async (name) => {
        try {
          const s = await stat(join(this.registry.folder, name));
          return `${name}:${s.size}:${s.mtimeMs}`;
        } catch {
          return `${name}:-`;
        }
      }),
    );
    return parts.join('|');
  }
}

import { inject, injectable } from 'inversify';
import { JsonStore, Logger, Paths, describeError } from '../../kernel/index.js';
import { MCP_SESSIONS_FILE, McpSessionsFileSchema, type BridgeAliasStatus, type McpSessionRecord } from './api/index.js';

/**
 * `state/mcp-sessions.json`: per alias, the state of the long-running process's shared session
 * (state, session id, tools, last connected, last error). Written after every change, in order,
 * under the file's lock. It describes; it decides nothing — so a failed write is logged loudly
 * and the bridge keeps working.
 */
@injectable()
export class SessionsFile {
  private queue: Promise<void> = Promise.resolve();
  private readonly pending = new Map<string, McpSessionRecord>();

  constructor(
    @inject(JsonStore) private readonly store: JsonStore,
    @inject(Paths) private readonly paths: Paths,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  get file(): string {
    return this.paths.state(MCP_SESSIONS_FILE);
  }

  /** Queues the alias's current status; consecutive changes are written together. */
  record(status: BridgeAliasStatus): void {
    this.pending.set(status.alias, {
      state: status.state,
      transport: status.transport,
      required: status.required,
      sessionId: status.sessionId,
      pid: status.pid,
      attempt: status.attempt,
      nextRetryAt: status.nextRetryAt,
      tools: status.tools,
      lastConnectedAt: status.lastConnectedAt,
      lastError: status.lastError,
      updatedAt: new Date().toISOString(),
      ownerPid: process.pid,
    });
    this.queue = this.queue.then(() => this.flush());
  }

  /** Resolves once everything queued so far is on disk. */
  settled(): Promise<void> {
    return this.queue;
  }

  private async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const changes = new Map(this.pending);
    this.pending.clear();
    try {
      await this.store.update(this.file, McpSessionsFileSchema, () => ({ aliases: {} }), (current) => ({
        aliases: { ...current.aliases, ...Object.fromEntries(changes) },
      }));
    } catch (error) {
      this.logger.error(`Could not write ${this.file}: ${describeError(error)}`, { category: 'mcp-bridge', file: this.file });
    }
  }
}

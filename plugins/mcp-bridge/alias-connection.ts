import { OrchError, describeError, type Logger } from '../../kernel/index.js';
import { type BridgeAliasStatus, type BridgeState, type McpToolInfo } from './api/index.js';
import { reconnectDelay } from './backoff.js';
import { BridgeStateMachine } from './bridge-state-machine.js';
import { loadMcpSession } from './mcp-sdk.js';
import type { McpSession } from './mcp-session.js';
import type { McpServerConfig, ResolvedServer } from './servers-config.js';

export interface StateChange {
  alias: string;
  state: BridgeState;
  previous: BridgeState | null;
  attempt?: number;
  nextRetryAt?: string;
  error?: string;
}

export interface AliasObserver {
  stateChanged(change: StateChange, status: BridgeAliasStatus): void;
  /** After every (re)connect and every `tools/list_changed` that changed the list. */
  toolsChanged(alias: string, tools: McpToolInfo[], status: BridgeAliasStatus): void;
}

/**
 * The shared session of one alias and its life: first attempt (`connecting`), then `connected`;
 * when the session is lost or an attempt fails, `disconnected`, then `reconnecting` with the
 * attempt number and the time of the next try (exponential backoff), until `connected` again.
 * Each attempt uses a fresh session (client, transport, process). Every move goes through the state
 * machine, so only legal transitions are ever published.
 */
export class AliasConnection {
  private readonly machine: BridgeStateMachine;
  private current?: McpSession;
  private attempting?: Promise<McpSession>;
  private retryTimer?: NodeJS.Timeout;
  private retryNumber = 0;
  private nextRetryAt?: Date;
  private lastConnectedAt?: string;
  private lastError?: string;
  private readonly stopping = new AbortController();

  constructor(
    readonly alias: string,
    readonly config: McpServerConfig,
    private readonly resolve: () => ResolvedServer,
    private readonly observer: AliasObserver,
    private readonly logger: Logger,
  ) {
    this.machine = new BridgeStateMachine(alias);
  }

  get state(): BridgeState | undefined {
    return this.machine.state;
  }

  status(): BridgeAliasStatus {
    const reconnecting = this.machine.state === 'reconnecting';
    return {
      alias: this.alias,
      // Never tried yet (a lazy CLI session) reads as disconnected with no error.
      state: this.machine.state ?? 'disconnected',
      required: this.config.required,
      transport: this.config.transport,
      description: this.config.description,
      sessionId: this.current?.sessionId,
      pid: this.current?.pid,
      attempt: reconnecting ? this.retryNumber : 0,
      nextRetryAt: reconnecting && this.nextRetryAt ? this.nextRetryAt.toISOString() : undefined,
      lastConnectedAt: this.lastConnectedAt,
      lastError: this.lastError,
      tools: this.current?.tools.map((t) => t.name) ?? [],
    };
  }

  /**
   * The live session. Never tried: connects now (lazy use). A first attempt or a retry under way:
   * waits for it. Otherwise refuses with the message users see while the server is away.
   */
  async session(): Promise<McpSession> {
    if (this.stopping.signal.aborted) throw this.stoppedError();
    if (this.current) return this.current;
    if (this.machine.state === undefined) {
      await this.connect();
      return this.current!;
    }
    if (this.attempting) {
      try {
        return await this.attempting;
      } catch {
        // falls through to the refusal, which carries the reason and the next retry
      }
    }
    if (this.current) return this.current;
    throw this.refusal();
  }

  /** Connects now: the first attempt, or an immediate retry when waiting to reconnect. */
  async connect(): Promise<void> {
    if (this.stopping.signal.aborted) throw this.stoppedError();
    if (this.current) return;
    if (!this.attempting) {
      clearTimeout(this.retryTimer);
      this.attempting = this.attempt();
    }
    try {
      await this.attempting;
    } catch (error) {
      throw new OrchError('unavailable', `${this.refusal().message}`, { alias: this.alias }, { cause: error });
    }
  }

  /** The error for an operation refused while the alias is not connected. */
  refusal(): OrchError {
    return new OrchError('unavailable', `MCP server ${this.alias} is not connected — check that it is running; ${this.retryHint()}${this.lastError ? `. Last error: ${this.lastError}` : ''}`, {
      alias: this.alias,
      state: this.machine.state ?? 'disconnected',
    });
  }

  /** `next retry in N s`, or what else will happen. */
  retryHint(): string {
    if (this.stopping.signal.aborted) return 'the bridge is stopping';
    if (this.attempting) return 'a reconnection attempt is under way';
    if (this.current) return 'the connection is being checked';
    if (this.nextRetryAt) return `next retry in ${Math.max(0, Math.ceil((this.nextRetryAt.getTime() - Date.now()) / 1000))} s`;
    return 'no retry scheduled';
  }

  /** Ends the session, cancels retries and an attempt under way, and waits until the server process is gone. */
  async close(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    this.stopping.abort();
    clearTimeout(this.retryTimer);
    this.nextRetryAt = undefined;
    await this.attempting?.catch(() => undefined);
    const session = this.current;
    this.current = undefined;
    await session?.close();
    const state = this.machine.state;
    if (state === 'connecting' || state === 'connected' || state === 'reconnecting') this.move('disconnected', { error: 'the bridge stopped' });
  }

  private async attempt(): Promise<McpSession> {
    const first = this.machine.state === undefined;
    if (first) this.move('connecting');
    try {
      const server = this.resolve();
      const holder: { session?: McpSession } = {};
      const { McpSession } = await loadMcpSession();
      const session = await McpSession.open(
        server,
        { onLost: (reason) => this.lost(holder.session, reason), onToolsChanged: (tools) => this.toolsListChanged(holder.session, tools) },
        this.logger,
        this.stopping.signal,
      );
      holder.session = session;
      if (this.stopping.signal.aborted || session.lostReason) {
        await session.close();
        throw this.stopping.signal.aborted ? this.stoppedError() : new Error(session.lostReason);
      }
      this.connected(session);
      return session;
    } catch (error) {
      if (!this.stopping.signal.aborted) this.failed(error, first);
      throw error;
    } finally {
      this.attempting = undefined;
    }
  }

  private connected(session: McpSession): void {
    this.current = session;
    this.retryNumber = 0;
    this.nextRetryAt = undefined;
    this.lastConnectedAt = new Date().toISOString();
    this.move('connected');
    this.logger.info(`MCP server ${this.alias} connected (${session.tools.length} tools${session.pid ? `, pid ${session.pid}` : ''}${session.sessionId ? `, session ${session.sessionId}` : ''})`, {
      alias: this.alias,
      tools: session.tools.length,
    });
    this.observer.toolsChanged(this.alias, session.tools, this.status());
  }

  private failed(error: unknown, first: boolean): void {
    this.lastError = describeError(error);
    this.move('disconnected', { error: this.lastError });
    this.scheduleRetry();
    const message = `MCP server ${this.alias} could not be reached: ${this.lastError} — check that it is running; ${this.retryHint()}`;
    const context = { alias: this.alias, attempt: this.retryNumber };
    // A required server is an operator's problem at once; an optional one is worth a warning.
    if (this.config.required) this.logger.error(first ? `Required ${message}` : message, context);
    else this.logger.warn(message, context);
  }

  private lost(session: McpSession | undefined, reason: string): void {
    if (!session || session !== this.current || this.stopping.signal.aborted) return;
    this.current = undefined;
    this.lastError = reason;
    this.move('disconnected', { error: reason });
    // Closing rejects the calls still waiting on this session; the next session is a fresh one.
    void session.close();
    this.scheduleRetry();
    const log = this.config.required ? this.logger.error.bind(this.logger) : this.logger.warn.bind(this.logger);
    log(`MCP server ${this.alias} disconnected: ${reason}; ${this.retryHint()}`, { alias: this.alias });
  }

  private toolsListChanged(session: McpSession | undefined, tools: McpToolInfo[]): void {
    if (!session || session !== this.current) return;
    this.logger.info(`MCP server ${this.alias} changed its tools (${tools.length} now)`, { alias: this.alias });
    this.observer.toolsChanged(this.alias, tools, this.status());
  }

  private scheduleRetry(): void {
    this.retryNumber += 1;
    const delay = reconnectDelay(this.retryNumber, this.config.reconnect);
    this.nextRetryAt = new Date(Date.now() + delay);
    this.move('reconnecting', { attempt: this.retryNumber, nextRetryAt: this.nextRetryAt.toISOString() });
    this.retryTimer = setTimeout(() => {
      this.nextRetryAt = undefined;
      if (!this.attempting && !this.current) this.attempting = this.attempt();
      this.attempting?.catch(() => undefined);
    }, delay);
    // A one-shot CLI command must not be held open by a pending retry.
    this.retryTimer.unref();
  }

  private move(state: BridgeState, details: { attempt?: number; nextRetryAt?: string; error?: string } = {}): void {
    const previous = this.machine.moveTo(state) ?? null;
    this.observer.stateChanged({ alias: this.alias, state, previous, ...details }, this.status());
  }

  private stoppedError(): OrchError {
    return new OrchError('unavailable', `MCP server ${this.alias} is not connected — the bridge is stopping`, { alias: this.alias });
  }
}

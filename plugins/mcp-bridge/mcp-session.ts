import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { KERNEL_VERSION, type Logger } from '../../kernel/index.js';
import { type McpToolInfo, type ToolResult } from './api/index.js';
import { ChildProcessTransport } from './child-process-transport.js';
import { classifyMcpFailure, describeMcpFailure } from './mcp-failure.js';
import type { ResolvedServer } from './servers-config.js';
import { createTransport, deliverResponsesAfterNotifications } from './session-transport.js';
import { listAllTools } from './tool-listing.js';

export interface SessionHooks {
  /** The connection is gone (called at most once, never after `close()`). */
  onLost(reason: string): void;
  /** `tools/list_changed` gave a different list. */
  onToolsChanged(tools: McpToolInfo[]): void;
}

export interface CallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (progress: number, total?: number, message?: string) => void;
}

/** Several transport errors in this window lead to one liveness check. */
const PROBE_DEBOUNCE_MS = 200;
const PROBE_TIMEOUT_MS = 5000;
const RELIST_DEBOUNCE_MS = 100;

/**
 * One connection attempt's worth of MCP: a fresh `Client` and transport (the SDK never reconnects a
 * session by itself, and a used client cannot be reconnected), the server's tools (every page), and
 * the watchers that notice the server going away — the process exiting (stdio), transport errors
 * confirmed by a ping (Streamable HTTP fires no `onclose` when the server dies), a failed heartbeat
 * ping, and an unknown-session reply (the server restarted). Reconnecting is the owner's business:
 * a session reports `onLost` once and is then closed and replaced.
 */
export class McpSession {
  tools: McpToolInfo[] = [];
  private ready = false;
  private closing = false;
  private lost = false;
  /** Why the session ended; set even when it ends before `open` returns. */
  lostReason?: string;
  private heartbeatTimer?: NodeJS.Timeout;
  private probeTimer?: NodeJS.Timeout;
  private relistTimer?: NodeJS.Timeout;
  private probing = false;
  private callsInFlight = 0;
  /** `tools/list_changed` arrived while opening: list again once ready, in case the first list missed it. */
  private changedWhileOpening = false;

  private constructor(
    readonly server: ResolvedServer,
    private readonly client: Client,
    private readonly transport: Transport,
    private readonly hooks: SessionHooks,
    private readonly logger: Logger,
  ) {}

  /** Starts the server (stdio) or opens the session (http), initializes and lists the tools. */
  static async open(server: ResolvedServer, hooks: SessionHooks, logger: Logger, cancel?: AbortSignal): Promise<McpSession> {
    const transport = createTransport(server, logger);
    const client = new Client({ name: 'orch', version: KERNEL_VERSION }, { capabilities: {} });
    const session = new McpSession(server, client, transport, hooks, logger);
    const deadline = new AbortController();
    let stopReason = '';
    const stop = (reason: string): void => {
      stopReason ||= reason;
      deadline.abort();
    };
    const timer = setTimeout(() => stop(`no answer within ${server.connectTimeoutMs} ms (connectTimeoutMs)`), server.connectTimeoutMs);
    const onCancel = (): void => stop('the bridge is stopping');
    if (cancel?.aborted) onCancel();
    cancel?.addEventListener('abort', onCancel, { once: true });
    try {
      await Promise.race([
        session.initialize(deadline.signal),
        new Promise<never>((_, reject) => {
          const fail = (): void => reject(new Error(stopReason));
          if (deadline.signal.aborted) fail();
          deadline.signal.addEventListener('abort', fail, { once: true });
        }),
      ]);
    } catch (error) {
      await session.close();
      throw new Error(session.explainConnectFailure(error));
    } finally {
      clearTimeout(timer);
      cancel?.removeEventListener('abort', onCancel);
    }
    return session;
  }

  get sessionId(): string | undefined {
    return this.transport.sessionId;
  }

  get pid(): number | undefined {
    return this.transport instanceof ChildProcessTransport ? this.transport.pid : undefined;
  }

  private async initialize(signal: AbortSignal): Promise<void> {
    this.client.onerror = (error) => this.onTransportError(error);
    this.client.onclose = () => this.reportLost(this.closedReason());
    this.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => this.scheduleRelist());
    const timeout = this.server.connectTimeoutMs;
    await this.client.connect(this.transport, { timeout, signal });
    deliverResponsesAfterNotifications(this.transport);
    this.tools = await this.listAllTools({ timeout, signal });
    if (this.lostReason) throw new Error(this.lostReason);
    this.ready = true;
    this.scheduleHeartbeat();
    if (this.changedWhileOpening) this.scheduleRelist();
  }

  /** Calls a tool; a failure of the connection (not of the tool) triggers a liveness check. */
  async callTool(name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolResult> {
    this.callsInFlight++;
    try {
      const result = await this.client.callTool({ name, arguments: args }, undefined, {
        timeout: options.timeoutMs,
        signal: options.signal,
        onprogress: options.onProgress ? (p) => options.onProgress!(p.progress, p.total, p.message) : undefined,
      });
      return {
        content: Array.isArray(result.content) ? result.content : [],
        structuredContent: result.structuredContent,
        isError: result.isError === true,
      };
    } catch (error) {
      this.noteFailure(error);
      throw error;
    } finally {
      this.callsInFlight--;
    }
  }

  /** Lets the session judge an error seen by a caller: an unknown session is lost at once, others are checked. */
  noteFailure(error: unknown): void {
    const kind = classifyMcpFailure(error);
    if (kind === 'session_gone') this.reportLost(`the server no longer knows session ${this.sessionId ?? '?'} (${describeMcpFailure(error)}) — it probably restarted`);
    else if (kind === 'connection') this.scheduleProbe();
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const timer of [this.heartbeatTimer, this.probeTimer, this.relistTimer]) clearTimeout(timer);
    if (this.transport instanceof StreamableHTTPClientTransport && this.ready && !this.lost) {
      // Tell a live server the session is over; never wait long for a dying one.
      await Promise.race([this.transport.terminateSession().catch(() => undefined), delay(1000)]);
    }
    // Closing the client closes the transport, which rejects every pending request ("connection closed").
    await this.client.close().catch(() => undefined);
    await this.transport.close().catch(() => undefined);
  }

  private listAllTools(options: { timeout: number; signal?: AbortSignal }): Promise<McpToolInfo[]> {
    return listAllTools(this.client, options);
  }

  private scheduleRelist(): void {
    if (this.closing) return;
    if (!this.ready) {
      this.changedWhileOpening = true;
      return;
    }
    clearTimeout(this.relistTimer);
    this.relistTimer = setTimeout(() => void this.relist(), RELIST_DEBOUNCE_MS);
    this.relistTimer.unref();
  }

  private async relist(): Promise<void> {
    try {
      const tools = await this.listAllTools({ timeout: this.server.connectTimeoutMs });
      if (this.closing || this.lost) return;
      const changed = JSON.stringify(tools) !== JSON.stringify(this.tools);
      this.tools = tools;
      if (changed) this.hooks.onToolsChanged(tools);
    } catch (error) {
      this.logger.warn(`Could not list the tools of MCP server ${this.server.alias} after tools/list_changed: ${describeMcpFailure(error)}`, {
        alias: this.server.alias,
      });
      this.noteFailure(error);
    }
  }

  private scheduleHeartbeat(): void {
    if (this.server.heartbeatMs <= 0 || this.closing || this.lost) return;
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(), this.server.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.client.ping({ timeout: Math.min(this.server.heartbeatMs, PROBE_TIMEOUT_MS) });
      this.scheduleHeartbeat();
    } catch (error) {
      const kind = classifyMcpFailure(error);
      if (kind === 'session_gone') this.noteFailure(error);
      else if (kind === 'timeout' && this.callsInFlight > 0) {
        // A server busy with a long tool call may answer pings late; the calls' own timeouts guard it.
        this.logger.debug(`MCP server ${this.server.alias}: heartbeat ping unanswered during ${this.callsInFlight} call(s); not judged`, {
          alias: this.server.alias,
        });
        this.scheduleHeartbeat();
      } else this.reportLost(`heartbeat ping failed: ${describeMcpFailure(error)}`);
    }
  }

  private onTransportError(error: Error): void {
    if (this.closing) return;
    this.logger.debug(`MCP server ${this.server.alias}: transport error: ${describeMcpFailure(error)}`, { alias: this.server.alias });
    this.noteFailure(error);
  }

  /** Debounced: a burst of transport errors leads to one ping; only a failed ping means the server is gone. */
  private scheduleProbe(): void {
    if (!this.ready || this.closing || this.lost || this.probeTimer) return;
    this.probeTimer = setTimeout(() => void this.probe(), PROBE_DEBOUNCE_MS);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await this.client.ping({ timeout: Math.min(this.server.connectTimeoutMs, PROBE_TIMEOUT_MS) });
    } catch (error) {
      if (classifyMcpFailure(error) === 'session_gone') this.noteFailure(error);
      else this.reportLost(`the server stopped answering: ${describeMcpFailure(error)}`);
    } finally {
      this.probing = false;
      this.probeTimer = undefined;
    }
  }

  private reportLost(reason: string): void {
    if (this.closing || this.lost) return;
    if (!this.ready) {
      this.lostReason ??= reason; // still opening: `open` fails with this reason
      return;
    }
    this.lost = true;
    this.lostReason = reason;
    for (const timer of [this.heartbeatTimer, this.probeTimer, this.relistTimer]) clearTimeout(timer);
    this.hooks.onLost(reason);
  }

  private closedReason(): string {
    if (this.transport instanceof ChildProcessTransport) {
      const exit = this.transport.exitInfo;
      const how = exit ? (exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`) : 'closed its output';
      const stderr = this.transport.stderrSummary();
      return `the server process ${how}${stderr ? `; its last output: ${lastLines(stderr, 3)}` : ''}`;
    }
    return 'the connection was closed';
  }

  private explainConnectFailure(error: unknown): string {
    if (!(this.transport instanceof ChildProcessTransport)) return describeMcpFailure(error);
    // stdio: the process's fate (exit code, last stderr lines) says more than "connection closed".
    if (this.lostReason) return this.lostReason;
    const stderr = this.transport.stderrSummary();
    const exit = this.transport.exitInfo;
    const exited = exit ? `; the process ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}` : '';
    return `${describeMcpFailure(error)}${exited}${stderr ? `; its last output: ${lastLines(stderr, 3)}` : ''}`;
  }
}

function lastLines(text: string, count: number): string {
  return text.split('\n').slice(-count).join(' | ');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

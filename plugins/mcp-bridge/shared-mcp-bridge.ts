import { inject, injectable } from 'inversify';
import { Config, EventBus, Logger, OrchError, Paths, ProcessContext, describeError, formatFieldIssues } from '../../kernel/index.js';
import { type BridgeAliasStatus, type McpBridge, type McpToolInfo, type ToolInvocation, type ToolResult } from './api/index.js';
import { type RiskLevel } from '../plans/api/index.js';
import { AliasConnection, type AliasObserver } from './alias-connection.js';
import { loadMcpFailure } from './mcp-sdk.js';
import type { McpSession } from './mcp-session.js';
import { SessionsFile } from './sessions-file.js';
import { MCP_SERVERS_CONFIG, McpServersFileSchema, placeholderScope, resolveServer, type McpServersFile } from './servers-config.js';
import { checkToolArgs } from './tool-args-validator.js';
import { ToolInvocationRecorder } from './tool-invocation-recorder.js';

/**
 * The `McpBridge` facade: one shared session per alias of `config/mcp.servers.json`.
 *
 * In the server role every alias connects at start and reconnects on its own; in a CLI command or a
 * test an alias connects on first use. Every tool call goes through `onToolInvoke`.
 */
@injectable()
export class SharedMcpBridge implements McpBridge {
  private readonly connections = new Map<string, AliasConnection>();
  private servers: McpServersFile = {};
  private configError?: OrchError;
  private configured = false;
  private closed = false;
  private readonly logger: Logger;

  constructor(
    @inject(Config) private readonly config: Config,
    @inject(Paths) private readonly paths: Paths,
    @inject(Logger) logger: Logger,
    @inject(EventBus) private readonly bus: EventBus,
    @inject(ProcessContext) private readonly processContext: ProcessContext,
    @inject(ToolInvocationRecorder) private readonly recorder: ToolInvocationRecorder,
    @inject(SessionsFile) private readonly sessionsFile: SessionsFile,
  ) {
    this.logger = logger.child({ category: 'mcp' });
  }

  /** Reads and validates `config/mcp.servers.json`; a bad file fails the plugin with file and field. */
  async configure(): Promise<void> {
    if (this.configured) return;
    try {
      this.servers = await this.config.load(MCP_SERVERS_CONFIG, McpServersFileSchema, {});
    } catch (error) {
      this.configError = new OrchError('invalid_input', `The MCP bridge cannot start: ${describeError(error)}`, { file: this.paths.config(MCP_SERVERS_CONFIG) });
      throw this.configError;
    }
    this.configured = true;
    const file = this.paths.config(MCP_SERVERS_CONFIG);
    const scope = placeholderScope(this.paths);
    const observer: AliasObserver = {
      stateChanged: (change, status) => {
        this.bus.publish({ type: 'bridge.state-change', ...change });
        if (this.persistsSessions) this.sessionsFile.record(status);
      },
      toolsChanged: (alias, tools, status) => {
        this.bus.publish({ type: 'bridge.tools-changed', alias, tools: tools.map((t) => t.name) });
        if (this.persistsSessions) this.sessionsFile.record(status);
      },
    };
    for (const [alias, server] of Object.entries(this.servers)) {
      this.connections.set(alias, new AliasConnection(alias, server, () => resolveServer(alias, server, scope, file), observer, this.logger));
    }
  }

  /** Server role: connect every alias now, waiting at most one connect timeout; failures keep retrying. */
  async start(): Promise<void> {
    if (this.processContext.role !== 'server' || this.connections.size === 0) return;
    const attempts = [...this.connections.values()].map((c) => c.connect());
    const longest = Math.max(...[...this.connections.values()].map((c) => c.config.connectTimeoutMs));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(attempts), new Promise((resolve) => (timer = setTimeout(resolve, longest + 1000)))]);
    clearTimeout(timer);
    const connected = this.status().filter((s) => s.state === 'connected').map((s) => s.alias);
    this.logger.info(`MCP bridge started: ${connected.length} of ${this.connections.size} servers connected${connected.length ? ` (${connected.join(', ')})` : ''}`, {
      connected,
    });
  }

  aliases(): string[] {
    return [...this.connections.keys()];
  }

  configProblem(): string | undefined {
    return this.configError?.message;
  }

  status(): BridgeAliasStatus[] {
    return [...this.connections.values()].map((c) => c.status());
  }

  /** Risk of calling a tool of this alias (its `riskLevel`, `medium` when unknown). */
  riskOf(alias: string): RiskLevel {
    return this.servers[alias]?.riskLevel ?? 'medium';
  }

  async connect(alias?: string): Promise<void> {
    if (alias !== undefined) return this.connection(alias).connect();
    const results = await Promise.allSettled([...this.connections.values()].map((c) => c.connect()));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [describeError(r.reason)] : []));
    if (failed.length) throw new OrchError('unavailable', failed.join('\n'));
  }

  async listTools(alias: string): Promise<McpToolInfo[]> {
    const session = await this.connection(alias).session();
    return session.tools;
  }

  async invokeTool(call: ToolInvocation): Promise<ToolResult> {
    // Connecting (lazily, in a CLI) is not part of the call's duration; a refusal is still recorded.
    let session: McpSession | undefined;
    let refusal: unknown;
    try {
      if (call.signal?.aborted) throw cancelled(call);
      session = await this.connection(call.alias).session();
    } catch (error) {
      refusal = error;
    }
    return this.recorder.onToolInvoke(call, async () => {
      if (!session) throw refusal;
      return this.perform(call, session);
    });
  }

  /** Stops every session; resolves once every server process is gone and the sessions file is written. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.connections.values()].map((c) => c.close()));
    await this.sessionsFile.settled();
  }

  private get persistsSessions(): boolean {
    // The sessions file describes the shared sessions of the long-running process; a one-shot CLI
    // command's private session must not overwrite it.
    return this.processContext.role !== 'cli';
  }

  private connection(alias: string): AliasConnection {
    if (this.configError) throw this.configError;
    if (!this.configured) throw new OrchError('unavailable', 'The MCP bridge is not configured yet');
    const found = this.connections.get(alias);
    if (!found) {
      const known = this.aliases();
      throw new OrchError(
        'not_found',
        `Unknown MCP server alias "${alias}"; ${known.length ? `${this.paths.config(MCP_SERVERS_CONFIG)} defines: ${known.join(', ')}` : `${this.paths.config(MCP_SERVERS_CONFIG)} defines none`}`,
        { alias },
      );
    }
    return found;
  }

  private async perform(call: ToolInvocation, session: McpSession): Promise<ToolResult> {
    const connection = this.connection(call.alias);
    const tool = session.tools.find((t) => t.name === call.tool);
    if (!tool) {
      throw new OrchError('not_found', `MCP server ${call.alias} has no tool "${call.tool}"; its tools: ${session.tools.map((t) => t.name).join(', ') || '(none)'}`, {
        alias: call.alias,
        tool: call.tool,
      });
    }
    const issues = checkToolArgs(tool.inputSchema, call.args ?? {});
    if (issues.length) {
      throw new OrchError('invalid_input', `Invalid arguments for MCP tool ${call.alias}/${call.tool}: ${formatFieldIssues(issues)}`, { issues });
    }
    const timeoutMs = call.timeoutMs ?? connection.config.timeoutMs;
    try {
      return await session.callTool(call.tool, call.args ?? {}, { timeoutMs, signal: call.signal, onProgress: call.onProgress });
    } catch (error) {
      if (call.signal?.aborted) throw cancelled(call, error);
      const { classifyMcpFailure, describeMcpFailure } = await loadMcpFailure();
      const reason = describeMcpFailure(error);
      switch (classifyMcpFailure(error)) {
        case 'timeout':
          throw new OrchError('timeout', `MCP tool ${call.alias}/${call.tool} timed out after ${timeoutMs} ms`, { alias: call.alias, tool: call.tool }, { cause: error });
        case 'server':
          throw new OrchError(
            /invalid params/i.test(reason) || (error as { code?: number }).code === -32602 ? 'invalid_input' : 'internal',
            `MCP server ${call.alias} refused the call to ${call.tool}: ${reason}`,
            { alias: call.alias, tool: call.tool },
            { cause: error },
          );
        default:
          throw new OrchError(
            'unavailable',
            `MCP server ${call.alias} disconnected during the call to ${call.tool} (${reason}) — check that it is running; ${connection.retryHint()}`,
            { alias: call.alias, tool: call.tool },
            { cause: error },
          );
      }
    }
  }
}

function cancelled(call: ToolInvocation, cause?: unknown): OrchError {
  return new OrchError('cancelled', `MCP tool call ${call.alias}/${call.tool} was cancelled`, { alias: call.alias, tool: call.tool }, { cause });
}

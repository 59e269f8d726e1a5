import { inject, injectable, optional } from 'inversify';
import { ProcessContext, type CommandIO } from '../../../kernel/index.js';
import { McpBridge, type BridgeAliasStatus, type McpToolInfo, type ToolResult } from '../api/index.js';
import { ServerLink } from '../../server/api/index.js';

export interface ToolCallRequest {
  alias: string;
  tool: string;
  args: Record<string, unknown>;
  timeoutMs?: number;
  onProgress?: (progress: number, total?: number, message?: string) => void;
}

/** The bridge as a CLI command reaches it: the live server's (REST) or a private session of its own. */
export interface BridgeView {
  readonly via: 'server' | 'local';
  /** Local: connects every alias first, so the table shows what can be reached now. */
  status(): Promise<BridgeAliasStatus[]>;
  tools(alias: string): Promise<McpToolInfo[]>;
  call(request: ToolCallRequest): Promise<ToolResult & { durationMs?: number }>;
}

/**
 * Picks how a command talks to the MCP servers: through a running Orch server (its shared sessions,
 * its record of calls) when there is one, else through this process's own bridge — and says which.
 */
@injectable()
export class BridgeAccess {
  constructor(
    @inject(McpBridge) private readonly bridge: McpBridge,
    @inject(ProcessContext) private readonly process: ProcessContext,
    @inject(ServerLink) @optional() private readonly link: ServerLink | undefined,
  ) {}

  async open(io: CommandIO): Promise<BridgeView> {
    const location = await this.link?.locate();
    if (location && this.link) {
      notice(io, `(through the Orch server at ${location.baseUrl}, pid ${location.pid})`);
      return remoteView(this.link);
    }
    notice(io, '(no Orch server running — opened a private MCP session for this command)');
    return this.localView();
  }

  private localView(): BridgeView {
    const bridge = this.bridge;
    const operator = this.process.operator;
    const shutdown = this.process.shutdownSignal;
    return {
      via: 'local',
      async status() {
        await bridge.connect().catch(() => undefined); // failures show up in the table
        return bridge.status();
      },
      tools: (alias) => bridge.listTools(alias),
      async call(request) {
        const started = Date.now();
        // Ctrl-C cancels the call (the server is told), and the record says so.
        const result = await bridge.invokeTool({ ...request, operator, caller: 'cli', signal: shutdown });
        return { ...result, durationMs: Date.now() - started };
      },
    };
  }
}

function remoteView(link: ServerLink): BridgeView {
  const enc = encodeURIComponent;
  return {
    via: 'server',
    status: async () => (await link.request<{ servers: BridgeAliasStatus[] }>('GET', '/mcp/servers')).servers,
    tools: async (alias) => (await link.request<{ tools: McpToolInfo[] }>('GET', `/mcp/servers/${enc(alias)}/tools`)).tools,
    call: (request) =>
      link.request('POST', `/mcp/servers/${enc(request.alias)}/tools/${enc(request.tool)}/call`, { args: request.args, timeoutMs: request.timeoutMs }),
  };
}

/** A dim line on stderr saying where the answer comes from (stdout stays clean for --json). */
function notice(io: CommandIO, text: string): void {
  if (io.json) return;
  const dim = process.stderr.isTTY && !process.env.NO_COLOR;
  io.err(dim ? `\x1b[2m${text}\x1b[22m` : text);
}

import { inject, injectable, optional } from 'inversify';
import { ProcessContext, type CommandIO } from '../../../kernel/index.js';
import { BridgeApi, McpBridge, type BridgeAliasStatus, type McpToolInfo, type ToolResult } from '../api/index.js';
import { serverOrLocal, ServerLink, type AccessVia, type ApiClient } from '../../server/api/index.js';

export interface ToolCallRequest {
  alias: string;
  tool: string;
  args: Record<string, unknown>;
  timeoutMs?: number;
  onProgress?: (progress: number, total?: number, message?: string) => void;
}

/** The bridge as a CLI command reaches it: the live server's (REST) or a private session of its own. */
export interface BridgeView {
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

  open(io: CommandIO): Promise<BridgeView & { readonly via: AccessVia }> {
    return serverOrLocal(io, this.link, {
      remote: remoteView,
      local: () => this.localView(),
      localNotice: 'opened a private MCP session for this command',
    });
  }

  private localView(): BridgeView {
    const bridge = this.bridge;
    const operator = this.process.operator;
    const shutdown = this.process.shutdownSignal;
    return {
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

function remoteView(client: ApiClient): BridgeView {
  return {
    status: async () => (await client.call(BridgeApi.servers)).servers,
    tools: async (alias) => (await client.call(BridgeApi.tools, { params: { alias } })).tools,
    call: (request) => client.call(BridgeApi.call, { params: { alias: request.alias, tool: request.tool }, body: { args: request.args, timeoutMs: request.timeoutMs } }),
  };
}

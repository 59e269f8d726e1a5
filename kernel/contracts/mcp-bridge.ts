import type { BridgeState } from './events.js';

export interface McpToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}

export interface BridgeAliasStatus {
  alias: string;
  state: BridgeState;
  required: boolean;
  transport: 'stdio' | 'http';
  sessionId?: string;
  attempt: number;
  nextRetryAt?: string;
  lastConnectedAt?: string;
  lastError?: string;
  tools: string[];
}

export interface ToolInvocation {
  alias: string;
  tool: string;
  args: Record<string, unknown>;
  operator?: string;
  runId?: string;
  nodeId?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  onProgress?: (progress: number, total?: number, message?: string) => void;
}

export interface ToolResult {
  content: unknown[];
  structuredContent?: unknown;
  isError: boolean;
}

/**
 * The MCP bridge facade: one shared session per alias of `config/mcp.servers.json`. Every call
 * passes `onToolInvoke` (one uniform `tool.invoked` event, log line and tool-stream record).
 * Operations on an alias that is not connected are refused (`unavailable`) with a message telling
 * the user to check the MCP server.
 */
export interface McpBridge {
  aliases(): string[];
  status(): BridgeAliasStatus[];
  /** Connects the alias (or all); resolves once connected or rejects with the reason. */
  connect(alias?: string): Promise<void>;
  listTools(alias: string): Promise<McpToolInfo[]>;
  invokeTool(call: ToolInvocation): Promise<ToolResult>;
  close(): Promise<void>;
}
export const McpBridge = Symbol.for('orch.McpBridge');

import { z } from 'zod';
import { BridgeStateSchema, type BridgeState } from './bridge-events.js';

export interface McpToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  /** The server's hints (`readOnlyHint`, `destructiveHint`, `idempotentHint`, `openWorldHint`). */
  annotations?: Record<string, unknown>;
}

export interface BridgeAliasStatus {
  alias: string;
  state: BridgeState;
  required: boolean;
  transport: 'stdio' | 'http';
  description?: string;
  sessionId?: string;
  /** The stdio server's process id while it runs. */
  pid?: number;
  /** Reconnection attempt number while `reconnecting` (1 for the first retry), else 0. */
  attempt: number;
  nextRetryAt?: string;
  lastConnectedAt?: string;
  lastError?: string;
  tools: string[];
}

/** Who made a tool call, recorded in the tool stream. */
export type ToolCaller = 'plan' | 'agent' | 'cli' | 'api' | 'gui' | (string & {});

export interface ToolInvocation {
  alias: string;
  tool: string;
  args: Record<string, unknown>;
  operator?: string;
  runId?: string;
  nodeId?: string;
  /** Who is calling (`plan`, `agent`, `cli`, `api`…); defaults to `api`. */
  caller?: ToolCaller;
  signal?: AbortSignal;
  /** Defaults to the alias's `timeoutMs`. */
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
  /**
   * Why `config/mcp.servers.json` cannot be used (its file and field), when it cannot: every reader
   * of the aliases says so instead of "none configured".
   */
  configProblem?(): string | undefined;
  status(): BridgeAliasStatus[];
  /**
   * Connects the alias (or all); resolves once connected or rejects with the reason. On an alias
   * waiting to reconnect it retries at once (the "Retry" button).
   */
  connect(alias?: string): Promise<void>;
  /** The alias's tools (every page), as listed at the last connect or `tools/list_changed`. */
  listTools(alias: string): Promise<McpToolInfo[]>;
  /**
   * Calls a tool. A result with `isError` is returned, not thrown (agents show it to the model);
   * refusals, invalid arguments, timeouts, cancellation and lost connections are thrown as `OrchError`.
   */
  invokeTool(call: ToolInvocation): Promise<ToolResult>;
  close(): Promise<void>;
}
export const McpBridge = Symbol.for('orch.McpBridge');

/** The text of a tool result's text content blocks: the server's message for an `isError` result. */
export function toolResultText(result: Pick<ToolResult, 'content'>): string {
  return result.content
    .map((block) => (typeof block === 'object' && block !== null && (block as { type?: unknown }).type === 'text' ? String((block as { text?: unknown }).text ?? '') : ''))
    .filter(Boolean)
    .join('\n');
}

// ---- Shared state files (written by the bridge, read by ops plugins and the GUI) ----

/** `state/tool-streams.json`: the newest tool calls, oldest first, at most `TOOL_STREAM_LIMIT`. */
export const TOOL_STREAMS_FILE = 'tool-streams.json';
export const TOOL_STREAM_LIMIT = 1000;

export const ToolStreamRecordSchema = z.object({
  id: z.string(),
  /** When the call started (ISO-8601). */
  time: z.string(),
  alias: z.string(),
  tool: z.string(),
  /** Arguments with secrets redacted. */
  args: z.unknown(),
  operator: z.string(),
  caller: z.string(),
  runId: z.string().optional(),
  nodeId: z.string().optional(),
  durationMs: z.number(),
  outcome: z.enum(['ok', 'error']),
  error: z.string().optional(),
  pid: z.number().int().optional(),
});
export type ToolStreamRecord = z.infer<typeof ToolStreamRecordSchema>;

export const ToolStreamsFileSchema = z.object({
  records: z.array(ToolStreamRecordSchema),
});
export type ToolStreamsFile = z.infer<typeof ToolStreamsFileSchema>;

/** `state/mcp-sessions.json`: the long-running process's shared sessions, one entry per alias. */
export const MCP_SESSIONS_FILE = 'mcp-sessions.json';

export const McpSessionRecordSchema = z.object({
  state: BridgeStateSchema,
  transport: z.enum(['stdio', 'http']),
  required: z.boolean(),
  sessionId: z.string().optional(),
  pid: z.number().int().optional(),
  attempt: z.number().int(),
  nextRetryAt: z.string().optional(),
  tools: z.array(z.string()),
  lastConnectedAt: z.string().optional(),
  lastError: z.string().optional(),
  updatedAt: z.string(),
  /** The Orch process holding the session. */
  ownerPid: z.number().int(),
});
export type McpSessionRecord = z.infer<typeof McpSessionRecordSchema>;

export const McpSessionsFileSchema = z.object({
  aliases: z.record(z.string(), McpSessionRecordSchema),
});
export type McpSessionsFile = z.infer<typeof McpSessionsFileSchema>;

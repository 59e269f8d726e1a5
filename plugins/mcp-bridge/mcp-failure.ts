import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { describeError } from '../../kernel/index.js';

/**
 * How the bridge reads an error thrown by the MCP SDK: was it the server answering (a JSON-RPC
 * error), or the connection failing (the server may be gone and must be checked)?
 */
export type McpFailureKind = 'timeout' | 'connection' | 'session_gone' | 'server';

export function classifyMcpFailure(error: unknown): McpFailureKind {
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout) return 'timeout';
    if (error.code === ErrorCode.ConnectionClosed) return 'connection';
    return 'server';
  }
  if (error instanceof StreamableHTTPError) {
    // 404 is the spec's "unknown session"; some servers answer 400 "no valid session".
    if (error.code === 404 || (error.code === 400 && /session/i.test(error.message))) return 'session_gone';
    return 'connection';
  }
  return 'connection';
}

/** A one-line reason without the SDK's "MCP error -32000:" noise, with a network cause when there is one. */
export function describeMcpFailure(error: unknown): string {
  let message = describeError(error).replace(/^MCP error -?\d+: /, '');
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof Error && !message.includes(cause.message)) message = `${message} (${cause.message})`;
  return message;
}

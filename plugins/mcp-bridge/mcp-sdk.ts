/**
 * The MCP SDK (with its Zod schemas and Ajv, about 200 ms to import) is loaded with the first session
 * an alias opens, so commands and servers that connect no MCP server never pay for it. Whether it is
 * installed is still checked when the plugin loads: a missing package fails the plugin then, with
 * the error the import would give.
 */
import.meta.resolve('@modelcontextprotocol/sdk/client/index.js');

let loading: Promise<typeof import('./mcp-session.js')> | undefined;

/** `McpSession` and the SDK behind it, imported once. */
export function loadMcpSession(): Promise<typeof import('./mcp-session.js')> {
  loading ??= import('./mcp-session.js');
  return loading;
}

/** How an SDK error reads; only a session (which loaded the SDK) can have thrown one. */
export function loadMcpFailure(): Promise<typeof import('./mcp-failure.js')> {
  return import('./mcp-failure.js');
}

/** The MCP bridge's public API: the bridge facade, tool-stream and session records, bridge events. */
export * from './mcp-bridge.js';
export * from './bridge-events.js';
export * from './mcp-tool-node.js';
export * from './bridge-routes.js';

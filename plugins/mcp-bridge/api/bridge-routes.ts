import { z } from 'zod';
import { defineRoute } from '../../server/api/index.js';
import { BridgeStateSchema } from './bridge-events.js';

const AliasParams = z.strictObject({ alias: z.string().min(1) });
const ToolParams = z.strictObject({ alias: z.string().min(1), tool: z.string().min(1) });

export const BridgeAliasStatusSchema = z.object({
  alias: z.string(),
  state: BridgeStateSchema,
  required: z.boolean(),
  transport: z.enum(['stdio', 'http']),
  description: z.string().optional(),
  sessionId: z.string().optional(),
  pid: z.number().int().optional(),
  attempt: z.number().int().nonnegative(),
  nextRetryAt: z.string().optional(),
  lastConnectedAt: z.string().optional(),
  lastError: z.string().optional(),
  tools: z.array(z.string()),
});

export const McpToolInfoSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  inputSchema: z.record(z.string(), z.unknown()),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  annotations: z.record(z.string(), z.unknown()).optional(),
});

/** Body of `POST /api/mcp/servers/:alias/tools/:tool/call`. */
export const ToolCallBodySchema = z.strictObject({
  args: z.record(z.string(), z.unknown()).default({}),
  timeoutMs: z.number().int().positive().max(24 * 3600_000).optional(),
});

/** The bridge's REST contracts: served by the mcp-bridge plugin, called by its commands and the GUI. */
export const BridgeApi = {
  servers: defineRoute({
    method: 'GET',
    path: '/mcp/servers',
    summary: 'State of every MCP server alias (connecting, connected, disconnected, reconnecting)',
    response: z.object({ servers: z.array(BridgeAliasStatusSchema) }),
  }),
  connect: defineRoute({
    method: 'POST',
    path: '/mcp/servers/:alias/connect',
    summary: 'Connect an alias now (retry at once when it waits to reconnect)',
    params: AliasParams,
    response: z.object({ server: BridgeAliasStatusSchema.optional() }),
  }),
  tools: defineRoute({
    method: 'GET',
    path: '/mcp/servers/:alias/tools',
    summary: 'Tools of a connected MCP server, with their input schemas',
    params: AliasParams,
    response: z.object({ alias: z.string(), tools: z.array(McpToolInfoSchema) }),
  }),
  call: defineRoute({
    method: 'POST',
    path: '/mcp/servers/:alias/tools/:tool/call',
    summary: 'Call a tool; the result is returned as the server gave it (isError included)',
    params: ToolParams,
    body: ToolCallBodySchema,
    response: z.object({ content: z.array(z.unknown()), structuredContent: z.unknown().optional(), isError: z.boolean(), durationMs: z.number() }),
  }),
};

import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { type HttpRoute, type HttpRoutes } from '../../kernel/index.js';
import { McpBridge } from './api/index.js';

const AliasParams = z.strictObject({ alias: z.string().min(1) });
const ToolParams = z.strictObject({ alias: z.string().min(1), tool: z.string().min(1) });

/** Body of `POST /api/mcp/servers/:alias/tools/:tool/call`. */
export const ToolCallBodySchema = z.strictObject({
  args: z.record(z.string(), z.unknown()).default({}),
  timeoutMs: z.number().int().positive().max(24 * 3600_000).optional(),
});

/**
 * REST view of the bridge, served under `/api` by the server plugin. Calls go through the same
 * facade (and so the same `onToolInvoke` record) as plan nodes and agents; the caller is the
 * request's client (`cli`, `gui` or `api`) and the operator its `x-orch-operator`.
 */
@injectable()
export class BridgeRoutes implements HttpRoutes {
  constructor(@inject(McpBridge) private readonly bridge: McpBridge) {}

  routes(): HttpRoute[] {
    return [
      {
        method: 'GET',
        path: '/mcp/servers',
        summary: 'State of every MCP server alias (connecting, connected, disconnected, reconnecting)',
        handle: async () => ({ servers: this.bridge.status() }),
      },
      {
        method: 'POST',
        path: '/mcp/servers/:alias/connect',
        summary: 'Connect an alias now (retry at once when it waits to reconnect)',
        params: AliasParams,
        handle: async ({ params }) => {
          await this.bridge.connect(params.alias);
          return { server: this.bridge.status().find((s) => s.alias === params.alias) };
        },
      },
      {
        method: 'GET',
        path: '/mcp/servers/:alias/tools',
        summary: 'Tools of a connected MCP server, with their input schemas',
        params: AliasParams,
        handle: async ({ params }) => ({ alias: params.alias, tools: await this.bridge.listTools(params.alias) }),
      },
      {
        method: 'POST',
        path: '/mcp/servers/:alias/tools/:tool/call',
        summary: 'Call a tool; the result is returned as the server gave it (isError included)',
        params: ToolParams,
        body: ToolCallBodySchema,
        handle: async ({ params, body, operator, client }) => {
          const started = Date.now();
          const result = await this.bridge.invokeTool({
            alias: params.alias,
            tool: params.tool,
            args: body.args,
            timeoutMs: body.timeoutMs,
            operator,
            caller: client,
          });
          return { ...result, durationMs: Date.now() - started };
        },
      },
    ];
  }
}

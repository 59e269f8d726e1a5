import { inject, injectable } from 'inversify';
import { serveRoute, type HttpRoute, type HttpRoutes } from '../server/api/index.js';
import { BridgeApi, McpBridge } from './api/index.js';

/**
 * REST view of the bridge, served under `/api` by the server plugin (contracts in `api/bridge-routes.ts`).
 * Calls go through the same facade (and so the same `onToolInvoke` record) as plan nodes and agents;
 * the caller is the request's client (`cli`, `gui` or `api`) and the operator its `x-orch-operator`.
 */
@injectable()
export class BridgeRoutes implements HttpRoutes {
  constructor(@inject(McpBridge) private readonly bridge: McpBridge) {}

  routes(): HttpRoute[] {
    return [
      serveRoute(BridgeApi.servers, async () => ({ servers: this.bridge.status() })),
      serveRoute(BridgeApi.connect, async ({ params }) => {
        await this.bridge.connect(params.alias);
        return { server: this.bridge.status().find((s) => s.alias === params.alias) };
      }),
      serveRoute(BridgeApi.tools, async ({ params }) => ({ alias: params.alias, tools: await this.bridge.listTools(params.alias) })),
      serveRoute(BridgeApi.call, async ({ params, body, operator, client }) => {
        const started = Date.now();
        const result = await this.bridge.invokeTool({ alias: params.alias, tool: params.tool, args: body.args, timeoutMs: body.timeoutMs, operator, caller: client });
        return { ...result, durationMs: Date.now() - started };
      }),
    ];
  }
}

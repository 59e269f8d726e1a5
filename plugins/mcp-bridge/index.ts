import { CliCommand, definePlugin, EventContribution, StatusSection } from '../../kernel/index.js';
import { HttpRoutes } from '../server/api/index.js';
import { BridgeEvents, McpBridge } from './api/index.js';
import { BridgeStatusSection } from './bridge-status-section.js';
import { NodeAdapter } from '../plans/api/index.js';
import { BridgeRoutes } from './bridge-routes.js';
import { BridgeAccess } from './commands/bridge-access.js';
import { McpCallCommand } from './commands/mcp-call-command.js';
import { McpStatusCommand } from './commands/mcp-status-command.js';
import { McpToolsCommand } from './commands/mcp-tools-command.js';
import { McpToolAdapter } from './mcp-tool-adapter.js';
import { SessionsFile } from './sessions-file.js';
import { SharedMcpBridge } from './shared-mcp-bridge.js';
import { ToolInvocationRecorder } from './tool-invocation-recorder.js';

/**
 * The MCP bridge plugin. `configure` reads config/mcp.servers.json (a bad file fails this plugin
 * with file and field, nothing else); `start` connects every alias in the server role; `stop`
 * closes every session and waits until no server process is left.
 */
export default definePlugin({
  bindings({ bind }) {
    bind(ToolInvocationRecorder).toSelf();
    bind(SessionsFile).toSelf();
    bind(SharedMcpBridge).toSelf();
    bind(McpBridge).toService(SharedMcpBridge);
    bind(EventContribution).toConstantValue({ events: BridgeEvents });
    bind(BridgeStatusSection).toSelf();
    bind(StatusSection).toService(BridgeStatusSection);

    bind(McpToolAdapter).toSelf();
    bind(NodeAdapter).toService(McpToolAdapter);

    bind(BridgeRoutes).toSelf();
    bind(HttpRoutes).toService(BridgeRoutes);

    bind(BridgeAccess).toSelf();
    bind(McpStatusCommand).toSelf();
    bind(CliCommand).toService(McpStatusCommand);
    bind(McpToolsCommand).toSelf();
    bind(CliCommand).toService(McpToolsCommand);
    bind(McpCallCommand).toSelf();
    bind(CliCommand).toService(McpCallCommand);
  },
  async configure({ services }) {
    await services.get<SharedMcpBridge>(SharedMcpBridge).configure();
  },
  async start({ services }) {
    await services.get<SharedMcpBridge>(SharedMcpBridge).start();
  },
  async stop({ services }) {
    await services.get<SharedMcpBridge>(SharedMcpBridge).close();
  },
});

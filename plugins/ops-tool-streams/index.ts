import { CliCommand, definePlugin } from '../../kernel/index.js';
import { HttpRoutes } from '../server/api/index.js';
import { ToolStreamReader } from './tool-stream-reader.js';
import { ToolStreamsCommand } from './tool-streams-command.js';
import { ToolStreamsRoutes } from './tool-streams-routes.js';

/** Ops profile: the tool-call history recorded by the MCP bridge, out of the default command set. */
export default definePlugin({
  bindings({ bind }) {
    bind(ToolStreamReader).toSelf();
    bind(ToolStreamsCommand).toSelf();
    bind(CliCommand).toService(ToolStreamsCommand);
    bind(ToolStreamsRoutes).toSelf();
    bind(HttpRoutes).toService(ToolStreamsRoutes);
  },
});

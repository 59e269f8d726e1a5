import { CliCommand, definePlugin, EventBus, EventCatalog, Logger, Paths, ProcessContext, StartupBanner, StartupCheck } from '../../kernel/index.js';
import { HttpRoutes } from './api/index.js';
import { ServerLink } from './api/index.js';
import { ServerSettings, ServerSettingsSchema } from './server-settings.js';
import { ServerStartup } from './server-startup.js';
import { GuiPanels } from './gui-panels.js';
import { CoreRoutes } from './core-routes.js';
import { HttpServerLink } from './http-server-link.js';
import type { OrchServer } from './orch-server.js';
import { ServerFile } from './server-file.js';
import { ServerInfo } from './server-info.js';
import { SnapshotBuilder } from './snapshot-builder.js';
import { StatusCommand } from './status-command.js';

/** The listening server of `orch start`; koa and ws are imported only then, so CLI commands start fast. */
let server: OrchServer | undefined;

/**
 * Core plugin, loaded in every process: it binds `ServerLink` (how the CLI finds and calls the
 * server) everywhere, and listens only in the `server` role (`orch start`).
 */
export default definePlugin({
  bindings({ bind }, { config }) {
    // Read at bind time so a malformed `server` section fails loudly, naming the file and field.
    bind(ServerSettings).toConstantValue(config.section('server', ServerSettingsSchema));
    bind(ServerStartup).toSelf();
    bind(StartupCheck).toService(ServerStartup);
    bind(StartupBanner).toService(ServerStartup);
    bind(ServerFile).toSelf();
    bind(HttpServerLink).toSelf();
    bind(ServerLink).toService(HttpServerLink);
    bind(ServerInfo).toSelf();
    bind(SnapshotBuilder).toSelf();
    bind(GuiPanels).toSelf();
    bind(CoreRoutes).toSelf();
    bind(HttpRoutes).toService(CoreRoutes);
    bind(StatusCommand).toSelf();
    bind(CliCommand).toService(StatusCommand);
  },

  async start({ process, services }) {
    if (process.role !== 'server') return;
    const { OrchServer } = await import('./orch-server.js');
    server = new OrchServer(
      services.get(ServerSettings),
      services.get(Paths),
      services.get(Logger),
      services.get(EventBus),
      services.get(ProcessContext),
      services.get(ServerFile),
      services.get(SnapshotBuilder),
      services.get(ServerInfo),
      services.get(EventCatalog),
      services.get(GuiPanels),
    );
    // `orch start` prints the URL once every plugin started; the log has it too.
    await server.start(services.getAll<HttpRoutes>(HttpRoutes).flatMap((r) => r.routes()));
  },

  async stop({ process, services }) {
    if (process.role !== 'server') return;
    await server?.stop();
    server = undefined;
  },
});

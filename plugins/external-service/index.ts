import { CliCommand, definePlugin, describeError } from '../../kernel/index.js';
import { HttpRoutes } from '../server/api/index.js';
import { NodeAdapter, NodeAdapterRegistry } from '../plans/api/index.js';
import { ServicesCheckCommand } from './commands/services-check-command.js';
import { ServicesListCommand } from './commands/services-list-command.js';
import { ExternalServiceAdapter } from './external-service-adapter.js';
import { ServiceCatalog } from './service-catalog.js';
import { ServicesRoutes } from './services-routes.js';

/**
 * External services: `external_service` plan nodes against the services of config/services.json,
 * `orch services:list` / `services:check`, and `/api/services`. Requests go through the http task
 * adapter of adapters-local (a requirement in the manifest).
 */
export default definePlugin({
  bindings({ bind }) {
    bind(ServiceCatalog).toSelf();
    bind(ExternalServiceAdapter).toSelf();
    bind(NodeAdapter).toService(ExternalServiceAdapter);
    bind(ServicesRoutes).toSelf();
    bind(HttpRoutes).toService(ServicesRoutes);
    bind(ServicesListCommand).toSelf();
    bind(CliCommand).toService(ServicesListCommand);
    bind(ServicesCheckCommand).toSelf();
    bind(CliCommand).toService(ServicesCheckCommand);
  },

  async configure({ services, logger }) {
    // The registry of the plans plugin (configured before this one): the http adapter it chose.
    services.get<ExternalServiceAdapter>(ExternalServiceAdapter).useAdapters(services.get<NodeAdapterRegistry>(NodeAdapterRegistry));
    // Read once now so risk judgements (synchronous) know the services; a bad file is reported by
    // whatever uses it, with file and field, and must not take the commands down with it.
    await services
      .get<ServiceCatalog>(ServiceCatalog)
      .services()
      .catch((error: unknown) => logger.warn(`config/services.json could not be read: ${describeError(error)}`));
  },
});

import { inject, injectable } from 'inversify';
import { z } from 'zod';
import type { HttpRoute, HttpRoutes } from '../server/api/index.js';
import { DEFAULT_CHECK_TIMEOUT_MS } from './commands/services-check-command.js';
import { ServiceCatalog } from './service-catalog.js';
import { checkServiceHealth } from './service-health.js';
import { summarizeServices } from './service-summary.js';

/** `GET /api/services` and `GET /api/services/:name/health`, for the GUI and scripts. */
@injectable()
export class ServicesRoutes implements HttpRoutes {
  constructor(@inject(ServiceCatalog) private readonly catalog: ServiceCatalog) {}

  routes(): HttpRoute[] {
    return [
      {
        method: 'GET',
        path: '/services',
        summary: 'Services of config/services.json (secret values never included)',
        handle: async () => ({ services: summarizeServices(await this.catalog.services()) }),
      },
      {
        method: 'GET',
        path: '/services/:name/health',
        summary: "One GET of the service's health path, from the server",
        params: z.object({ name: z.string().min(1) }),
        query: z.object({ timeoutMs: z.coerce.number().int().min(1).max(60_000).optional() }),
        handle: async ({ params, query }) => {
          const service = await this.catalog.get(params.name);
          return { health: await checkServiceHealth(params.name, service, query.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS) };
        },
      },
    ];
  }
}

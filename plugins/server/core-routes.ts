import { inject, injectable } from 'inversify';
import { KERNEL_VERSION, Paths, PluginCatalog, ProcessContext } from '../../kernel/index.js';
import { z } from 'zod';
import { EVENTS_PATH, ServerStatusSchema, type HttpRoute, type HttpRoutes, type ServerStatus } from './api/index.js';
import { GuiPanels } from './gui-panels.js';
import { openApiDocument } from './openapi-document.js';
import { ServerInfo } from './server-info.js';
import { SnapshotBuilder } from './snapshot-builder.js';

/** The server's own, domain-free routes: index, health, status, routes, plugins, panels. */
const HealthSchema = z.object({
  status: z.literal('ok'),
  pid: z.number().int(),
  home: z.string(),
  startedAt: z.string(),
  uptimeMs: z.number(),
  kernelVersion: z.string(),
  operator: z.string(),
});

const PanelListingSchema = z.object({
  id: z.string(),
  pluginId: z.string(),
  pluginVersion: z.string(),
  title: z.string(),
  description: z.string().optional(),
  slot: z.enum(['main', 'sidebar', 'status']),
  order: z.number().int(),
  apiVersion: z.number().int(),
  route: z.string(),
  icon: z.string().optional(),
  moduleUrl: z.string(),
  cssUrl: z.string().optional(),
});

@injectable()
export class CoreRoutes implements HttpRoutes {
  constructor(
    @inject(ServerInfo) private readonly info: ServerInfo,
    @inject(SnapshotBuilder) private readonly snapshots: SnapshotBuilder,
    @inject(PluginCatalog) private readonly catalog: PluginCatalog,
    @inject(Paths) private readonly paths: Paths,
    @inject(ProcessContext) private readonly process: ProcessContext,
    @inject(GuiPanels) private readonly panels: GuiPanels,
  ) {}

  routes(): HttpRoute[] {
    return [
      {
        method: 'GET',
        path: '/',
        summary: 'API index: version, links to routes and the event stream',
        handle: async () => ({ name: 'orch', version: KERNEL_VERSION, routes: '/api/routes', events: EVENTS_PATH, health: '/api/health', status: '/api/status' }),
      },
      {
        method: 'GET',
        path: '/health',
        summary: 'Liveness: pid, home, start time, uptime',
        responses: { 200: HealthSchema },
        handle: async () => ({
          status: 'ok',
          pid: globalThis.process.pid,
          home: this.paths.home,
          startedAt: this.info.startedAt.toISOString(),
          uptimeMs: Date.now() - this.info.startedAt.getTime(),
          kernelVersion: KERNEL_VERSION,
          operator: this.process.operator,
        }),
      },
      {
        method: 'GET',
        path: '/status',
        summary: 'Server, bridge states, active runs and pending approvals in one document',
        responses: { 200: ServerStatusSchema },
        handle: async (): Promise<ServerStatus> => {
          const location = this.info.location;
          if (!location) throw new Error('the server has no location yet');
          return {
            server: { ...location, state: 'up', uptimeMs: Date.now() - this.info.startedAt.getTime(), wsClients: this.info.wsClients() },
            source: 'server',
            ...(await this.snapshots.build()),
          };
        },
      },
      {
        method: 'GET',
        path: '/openapi.json',
        summary: 'The OpenAPI 3.1 document of every route served, generated from the route table',
        handle: async () => openApiDocument(this.info.routes),
      },
      {
        method: 'GET',
        path: '/routes',
        summary: 'Every REST route served, with its summary',
        responses: { 200: z.object({ routes: z.array(z.object({ method: z.string(), path: z.string(), summary: z.string() })), events: z.string() }) },
        handle: async () => ({ routes: this.info.mounted, events: EVENTS_PATH }),
      },
      {
        method: 'GET',
        path: '/plugins',
        summary: 'Every discovered plugin and what became of it',
        handle: async () => ({
          plugins: this.catalog
            .entries()
            .sort((a, b) => a.id.localeCompare(b.id))
            .map(({ manifest, ...entry }) => ({
              ...entry,
              description: manifest?.description ?? '',
              contributes: {
                commands: manifest?.contributes.commands.map((c) => c.name) ?? [],
                nodeTypes: manifest?.contributes.nodeTypes.map((n) => (n.kind ? `${n.type}/${n.kind}` : n.type)) ?? [],
                panels: manifest?.contributes.gui?.panels.map((p) => p.id) ?? [],
                statusSections: manifest?.contributes.statusSections.map((s) => s.name) ?? [],
                routes: manifest?.contributes.routes.map((r) => `${r.method} /api${r.path === '/' ? '' : r.path}`) ?? [],
              },
            })),
        }),
      },
      {
        method: 'GET',
        path: '/panels',
        summary: 'GUI panels declared in the manifests of the loaded plugins, with the URL of each module',
        responses: { 200: z.object({ panels: z.array(PanelListingSchema) }) },
        handle: async () => ({ panels: this.panels.list() }),
      },
    ];
  }
}

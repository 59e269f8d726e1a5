import { inject, injectable } from 'inversify';
import { serveRoute, type HttpRoute, type HttpRoutes } from '../server/api/index.js';
import { AgentsApi } from './api/index.js';
import { summarize } from './agent-summary.js';
import { MetaAgent } from './meta-agent.js';
import { ModelClients } from './model-clients.js';
import { FileAgentRegistry } from './registry.js';

/** REST for the GUI and the CLI under `/api/agents`. */
@injectable()
export class AgentRoutes implements HttpRoutes {
  constructor(
    @inject(FileAgentRegistry) private readonly registry: FileAgentRegistry,
    @inject(MetaAgent) private readonly meta: MetaAgent,
    @inject(ModelClients) private readonly clients: ModelClients,
  ) {}

  routes(): HttpRoute[] {
    const label = (file: string) => this.registry.label(file);
    return [
      serveRoute(AgentsApi.list, async () => {
        const models = await this.clients.settings();
        return { agents: this.registry.list().map((a) => summarize(a, label, models)), problems: this.registry.problems() };
      }),
      serveRoute(AgentsApi.get, async ({ params }) => {
        const agent = this.registry.ensure(params.name);
        return { agent: { ...agent, file: agent.file ? label(agent.file) : undefined } };
      }),
      serveRoute(AgentsApi.register, async ({ body }) => {
        const agent = await this.registry.register(body.config as never, { persist: body.persist, overwrite: body.overwrite });
        return { agent: summarize(agent, label, await this.clients.settings()) };
      }),
      serveRoute(AgentsApi.remove, async ({ params, query }) => {
        const entry = this.registry.ensure(params.name);
        await this.registry.unregister(params.name, { deleteFile: !query.keepFile });
        return { removed: params.name, file: entry.file ? label(entry.file) : undefined, fileDeleted: Boolean(entry.file) && !query.keepFile };
      }),
      serveRoute(AgentsApi.generate, async ({ body }) => {
        const generated = await this.meta.generate({
          description: body.description,
          name: body.name,
          provider: body.provider,
          model: body.model,
          maxRounds: body.maxRounds,
        });
        if (!body.write) return generated;
        const agent = await this.meta.write(generated.config, body.force);
        return { ...generated, written: agent.file ? label(agent.file) : undefined };
      }),
    ];
  }
}

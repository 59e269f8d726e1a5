import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { reply, type HttpRoute, type HttpRoutes } from '../../kernel/index.js';
import { AGENT_NAME_PATTERN } from './api/index.js';
import { summarize } from './agent-summary.js';
import { MetaAgent } from './meta-agent.js';
import { ModelClients } from './model-clients.js';
import { FileAgentRegistry } from './registry.js';

const NameParams = z.strictObject({ name: z.string().min(1) });

/** `POST /api/agents`: register a config; by default written to `agents-config/<name>.json`. */
export const RegisterBodySchema = z.strictObject({
  config: z.record(z.string(), z.unknown()),
  /** false: only in the server's memory (gone after a restart). */
  persist: z.boolean().default(true),
  /** Replace an agent (and file) of the same name. */
  overwrite: z.boolean().default(false),
});
export type RegisterBody = z.input<typeof RegisterBodySchema>;

export const RemoveQuerySchema = z.strictObject({
  /** `true`: unload only, keep `agents-config/<name>.json` (ignored until the file changes). */
  keepFile: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});

/** `POST /api/agents/generate`: the Meta Agent. */
export const GenerateBodySchema = z.strictObject({
  description: z.string().trim().min(1, 'describe the agent to generate').max(8000),
  name: z.string().regex(AGENT_NAME_PATTERN, 'lower-case letters, digits, "_" and "-", starting with a letter').optional(),
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  write: z.boolean().default(false),
  force: z.boolean().default(false),
  maxRounds: z.number().int().min(0).max(10).optional(),
});
export type GenerateBody = z.input<typeof GenerateBodySchema>;

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
      {
        method: 'GET',
        path: '/agents',
        summary: 'Registered agents (name, model, tools, risk, source) and invalid files of agents-config/',
        handle: async () => {
          const models = await this.clients.settings();
          return { agents: this.registry.list().map((a) => summarize(a, label, models)), problems: this.registry.problems() };
        },
      },
      {
        method: 'GET',
        path: '/agents/:name',
        summary: 'One agent: its full config, source file and load time',
        params: NameParams,
        handle: async ({ params }) => {
          const agent = this.registry.ensure(params.name);
          return { agent: { ...agent, file: agent.file ? label(agent.file) : undefined } };
        },
      },
      {
        method: 'POST',
        path: '/agents',
        summary: 'Register an agent: { config, persist = true (write agents-config/<name>.json), overwrite = false }; 409 when it exists',
        body: RegisterBodySchema,
        handle: async ({ body }) => {
          const agent = await this.registry.register(body.config as never, { persist: body.persist, overwrite: body.overwrite });
          return reply(201, { agent: summarize(agent, label, await this.clients.settings()) });
        },
      },
      {
        method: 'DELETE',
        path: '/agents/:name',
        summary: 'Unload an agent and delete its file (?keepFile=true keeps the file)',
        params: NameParams,
        query: RemoveQuerySchema,
        handle: async ({ params, query }) => {
          const entry = this.registry.ensure(params.name);
          await this.registry.unregister(params.name, { deleteFile: !query.keepFile });
          return { removed: params.name, file: entry.file ? label(entry.file) : undefined, fileDeleted: Boolean(entry.file) && !query.keepFile };
        },
      },
      {
        method: 'POST',
        path: '/agents/generate',
        summary: 'The Meta Agent: { description, name?, provider?, model?, write = false, force = false } → a validated agent config',
        body: GenerateBodySchema,
        handle: async ({ body }) => {
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
        },
      },
    ];
  }
}

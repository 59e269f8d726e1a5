import { z } from 'zod';
import { defineRoute } from '../../server/api/index.js';
import { RiskLevelSchema } from '../../plans/api/index.js';
import { AGENT_NAME_PATTERN, AgentConfigSchema } from './agent.js';

const NameParams = z.strictObject({ name: z.string().min(1) });

/** An agent as lists show it. */
export const AgentSummarySchema = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  /** `provider/model` the agent runs on (defaults filled in from `config/models.json`). */
  model: z.string(),
  tools: z.array(z.string()),
  riskLevel: RiskLevelSchema,
  maxTurns: z.number().int(),
  structuredOutput: z.boolean(),
  handoffs: z.array(z.string()),
  /** `agents-config/<name>.json`, or `memory` for an agent registered without a file. */
  source: z.string(),
  loadedAt: z.string(),
});
export type AgentSummary = z.infer<typeof AgentSummarySchema>;

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

/** The agents plugin's REST contracts, under `/api/agents`: served by the plugin, called by its commands and the GUI. */
export const AgentsApi = {
  list: defineRoute({
    method: 'GET',
    path: '/agents',
    summary: 'Registered agents (name, model, tools, risk, source) and invalid files of agents-config/',
    response: z.object({ agents: z.array(AgentSummarySchema), problems: z.array(z.object({ file: z.string(), message: z.string() })) }),
  }),
  get: defineRoute({
    method: 'GET',
    path: '/agents/:name',
    summary: 'One agent: its full config, source file and load time',
    params: NameParams,
    response: z.object({ agent: z.object({ config: AgentConfigSchema, file: z.string().optional(), loadedAt: z.string() }) }),
  }),
  register: defineRoute({
    method: 'POST',
    path: '/agents',
    summary: 'Register an agent: { config, persist = true (write agents-config/<name>.json), overwrite = false }; 409 when it exists',
    body: RegisterBodySchema,
    status: 201,
    response: z.object({ agent: AgentSummarySchema }),
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/agents/:name',
    summary: 'Unload an agent and delete its file (?keepFile=true keeps the file)',
    params: NameParams,
    query: RemoveQuerySchema,
    response: z.object({ removed: z.string(), file: z.string().optional(), fileDeleted: z.boolean() }),
  }),
  generate: defineRoute({
    method: 'POST',
    path: '/agents/generate',
    summary: 'The Meta Agent: { description, name?, provider?, model?, write = false, force = false } → a validated agent config',
    body: GenerateBodySchema,
    response: z.object({
      config: AgentConfigSchema,
      rounds: z.number().int(),
      provider: z.string().optional(),
      model: z.string().optional(),
      existing: z.string().optional(),
      written: z.string().optional(),
    }),
  }),
};

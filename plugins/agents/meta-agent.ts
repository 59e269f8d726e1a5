import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { describeError, Logger } from '../../kernel/index.js';
import { AGENT_NAME_PATTERN, AgentConfigSchema, ModelGateway, type AgentConfig, type RegisteredAgent } from './api/index.js';
import { type McpToolInfo } from '../mcp-bridge/api/index.js';
import { RiskLevelSchema } from '../plans/api/index.js';
import { ModelClients } from './model-clients.js';
import { AgentConfigChecker } from './agent-config-checker.js';
import { FileAgentRegistry } from './registry.js';

/**
 * What the model writes: the agent config in a shape OpenAI's strict structured output accepts —
 * every field present (`null` where the config would leave it out), tools as one flat record, and
 * the output schema as JSON text (a free-form object cannot be strict).
 */
const DraftSchema = z.strictObject({
  name: z.string().regex(AGENT_NAME_PATTERN).describe('lower-case letters, digits, "_" and "-", starting with a letter, e.g. "ticket-triage"'),
  description: z.string().min(1).describe('What the agent is for, one or two sentences'),
  instructions: z.string().min(1).describe("The agent's system prompt: role, steps, tone, what to answer with"),
  model: z
    .strictObject({
      provider: z.string().nullable().describe('A provider listed in the prompt, or null for the default'),
      name: z.string().nullable().describe('A model name, or null for the provider default'),
    })
    .describe('Which model runs the agent'),
  tools: z
    .array(
      z.strictObject({
        kind: z.enum(['mcp', 'function']),
        name: z.string().min(1).describe('The MCP server alias (kind mcp) or the function tool name (kind function)'),
        allow: z.array(z.string()).nullable().describe('kind mcp: the tools of that server the agent may call; null for all'),
      }),
    )
    .describe('Only tools listed as available in the prompt'),
  outputSchemaJson: z
    .string()
    .nullable()
    .describe('When answers must have a fixed shape: a JSON Schema of the final answer, written as JSON text; else null'),
  maxTurns: z.number().int().min(1).max(100).describe('Model calls allowed per invocation; 10 is typical, more for many tool calls'),
  riskLevel: RiskLevelSchema.describe('low: reads only; medium: limited side effects; high/critical: changes important things'),
  handoffs: z.array(z.string()).describe('Names of existing agents this one may hand over to; usually empty'),
});
type Draft = z.output<typeof DraftSchema>;

export interface GenerateAgentRequest {
  description: string;
  /** Forces the agent's name (otherwise the model picks one). */
  name?: string;
  provider?: string;
  model?: string;
  maxRounds?: number;
  signal?: AbortSignal;
  onRound?: (round: number, problems: string[], repairsLeft: number) => void;
}

export interface GeneratedAgent {
  config: AgentConfig;
  rounds: number;
  provider?: string;
  model?: string;
  /** Set when an agent of that name exists already (writing it then needs --force). */
  existing?: string;
}

const SYSTEM = `You are Orch's Meta Agent. You write the configuration of one AI agent for the Orch orchestration platform, from a person's description.
Rules:
- Use only the model providers, MCP servers, MCP tools, function tools and agents listed below. Never invent tools.
- Give the agent precise instructions: its role, how to proceed, which tools to use for what, and what its final answer contains.
- Add an output schema only when the description asks for structured results (fields, categories, scores); then the instructions must say to answer in that shape.
- Pick the lowest risk level that fits what the agent's tools can do.
Answer with the configuration only.`;

/**
 * The Meta Agent: turns a description into a valid agent config with the `ModelGateway` (structured
 * output against the draft schema, then the agent schema and Orch's own checks — known provider,
 * MCP servers and tools, function tools, handoffs, a usable output schema — fed back for repair).
 */
@injectable()
export class MetaAgent {
  private readonly log: Logger;

  constructor(
    @inject(ModelGateway) private readonly gateway: ModelGateway,
    @inject(FileAgentRegistry) private readonly registry: FileAgentRegistry,
    @inject(ModelClients) private readonly clients: ModelClients,
    @inject(AgentConfigChecker) private readonly checker: AgentConfigChecker,
    @inject(Logger) logger: Logger,
  ) {
    this.log = logger.child({ category: 'agents', plugin: 'agents', component: 'meta-agent' });
  }

  async generate(request: GenerateAgentRequest): Promise<GeneratedAgent> {
    // An unreachable model is the likeliest failure: report it before spending seconds on MCP servers.
    await this.clients.reach(await this.clients.resolve({ provider: request.provider, model: request.model }), request.signal);
    const mcpTools = await this.checker.mcpTools();
    const schema = DraftSchema.transform((draft, ctx) => {
      const config = toConfig(request.name ? { ...draft, name: request.name } : draft, ctx);
      return config ?? z.NEVER;
    });
    const result = await this.gateway.generateStructured<AgentConfig>({
      system: SYSTEM,
      prompt: await this.prompt(request, mcpTools),
      schema: schema as unknown as z.ZodType<AgentConfig>,
      schemaName: 'agent_config',
      check: (config) => this.problemsOf(config, mcpTools),
      // An answer that breaks the draft schema is still checked as far as it parses (tools, model,
      // handoffs), so the model hears every problem at once.
      checkRaw: (raw) => this.problemsOfParts(raw, mcpTools, request.name),
      maxRounds: request.maxRounds,
      provider: request.provider,
      model: request.model,
      signal: request.signal,
      onRound: request.onRound,
    });
    const existing = this.registry.get(result.value.name);
    this.log.info(`Meta Agent wrote agent ${result.value.name} in ${result.rounds} round(s)`, { agent: result.value.name, rounds: result.rounds });
    return {
      config: result.value,
      rounds: result.rounds,
      provider: result.provider,
      model: result.model,
      ...(existing ? { existing: existing.file ? this.registry.label(existing.file) : 'memory' } : {}),
    };
  }

  /** Writes `agents-config/<name>.json` (refusing to replace one unless `force`) and registers it. */
  write(config: AgentConfig, force: boolean): Promise<RegisteredAgent> {
    return this.registry.register(config, { persist: true, overwrite: force });
  }

  private async prompt(request: GenerateAgentRequest, mcpTools: Map<string, McpToolInfo[] | undefined>): Promise<string> {
    const models = await this.clients.settings();
    const lines = [`Description of the agent to write:\n${request.description.trim()}`, ''];
    if (request.name) lines.push(`Its name must be "${request.name}".`, '');
    lines.push(`Model providers (default "${models.default.provider}", model "${models.default.model}"): ${Object.keys(models.providers).join(', ')}`);
    if (mcpTools.size === 0) lines.push('MCP servers: none');
    for (const [alias, tools] of mcpTools) {
      if (!tools) {
        lines.push(`MCP server "${alias}": tools unknown (not reachable now); use it only if the description needs it, with allow null`);
        continue;
      }
      lines.push(`MCP server "${alias}" tools:`);
      for (const t of tools) lines.push(`  - ${t.name}: ${(t.description ?? t.title ?? '').replace(/\s+/g, ' ').slice(0, 200)}`);
    }
    const functions = this.checker.functionTools();
    lines.push(functions.length ? `Function tools:\n${functions.map((f) => `  - ${f.name}: ${f.description}`).join('\n')}` : 'Function tools: none');
    const agents = this.registry.list();
    lines.push(agents.length ? `Existing agents (for handoffs):\n${agents.map((a) => `  - ${a.config.name}: ${a.config.description}`).join('\n')}` : 'Existing agents: none');
    return lines.join('\n');
  }

  /**
   * Orch's checks on the fields of an invalid draft that are valid by themselves: each such field
   * is put into an otherwise neutral draft and the result checked; problems of the neutral parts
   * are not reported.
   */
  private async problemsOfParts(raw: unknown, mcpTools: Map<string, McpToolInfo[] | undefined>, name: string | undefined): Promise<string[]> {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
    const neutral: Draft = { name: name ?? 'draft', description: 'draft', instructions: 'draft', model: { provider: null, name: null }, tools: [], outputSchemaJson: null, maxTurns: 10, riskLevel: 'low', handoffs: [] };
    const taken = new Set<string>();
    const merged: Record<string, unknown> = { ...neutral };
    for (const [key, schema] of Object.entries(DraftSchema.shape)) {
      const value = (raw as Record<string, unknown>)[key];
      if (value !== undefined && (schema as z.ZodType).safeParse(value).success) {
        merged[key] = value;
        taken.add(key);
      }
    }
    const config = DraftSchema.transform((draft, ctx) => toConfig(draft, ctx) ?? z.NEVER).safeParse(merged);
    if (!config.success) return [];
    const fromDraft = (path: string) => {
      const field = path.split('.')[0]!;
      return taken.has(field === 'outputSchema' ? 'outputSchemaJson' : field);
    };
    return (await this.problemsOf(config.data as AgentConfig, mcpTools)).filter((problem) => fromDraft(problem.split(':')[0]!));
  }

  /** Orch's own checks beyond the schema (known provider, tools, handoffs, a usable output schema); warnings are not the model's fault. */
  private async problemsOf(config: AgentConfig, mcpTools: Map<string, McpToolInfo[] | undefined>): Promise<string[]> {
    const issues = await this.checker.check(config, mcpTools);
    return issues.filter((i) => i.severity !== 'warning').map((i) => `${i.path}: ${i.message}`);
  }
}

/** Draft → agent config; problems become issues on the draft's own field paths (the model's terms). */
function toConfig(draft: Draft, ctx: z.RefinementCtx): AgentConfig | undefined {
  let outputSchema: Record<string, unknown> | undefined;
  if (draft.outputSchemaJson !== null && draft.outputSchemaJson.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(draft.outputSchemaJson);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('a JSON Schema is an object');
      outputSchema = parsed as Record<string, unknown>;
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['outputSchemaJson'], message: `is not a JSON object: ${describeError(error)}` });
      return undefined;
    }
  }
  const candidate = {
    name: draft.name,
    version: '1.0.0',
    description: draft.description,
    instructions: draft.instructions,
    model: {
      ...(draft.model.provider ? { provider: draft.model.provider } : {}),
      ...(draft.model.name ? { name: draft.model.name } : {}),
    },
    tools: draft.tools.map((t) => (t.kind === 'mcp' ? { mcp: t.name, ...(t.allow ? { allow: t.allow } : {}) } : { function: t.name })),
    ...(outputSchema ? { outputSchema } : {}),
    maxTurns: draft.maxTurns,
    riskLevel: draft.riskLevel,
    handoffs: draft.handoffs,
  };
  const parsed = AgentConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path as (string | number)[], message: issue.message });
    return undefined;
  }
  return parsed.data;
}

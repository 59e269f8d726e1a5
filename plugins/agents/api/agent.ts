import { z } from 'zod';
import { RiskLevelSchema, type RiskLevel } from '../../plans/api/index.js';

export const AGENT_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/** "is required (…)" for a missing field instead of Zod's "expected string, received undefined". */
const required = (what: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? `is required: ${what}` : undefined) });

/** Tools an agent may call: the allowed tools of an MCP alias, or a function tool a plugin contributes. */
export const AgentMcpToolsSchema = z
  .strictObject({
    mcp: z.string().min(1).describe('An alias of config/mcp.servers.json'),
    allow: z
      .array(z.string().min(1))
      .optional()
      .describe("The alias's tools the agent may call; every tool of the alias when absent"),
  })
  .describe('MCP tools, called through the MCP bridge (recorded like every tool call)');

export const AgentFunctionToolRefSchema = z
  .strictObject({ function: z.string().min(1).describe('The name of a function tool a plugin contributes') })
  .describe('A function tool contributed by a plugin');

export const AgentToolSchema = z.union([AgentMcpToolsSchema, AgentFunctionToolRefSchema], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'a tool is { "mcp": "<alias>", "allow": ["<tool>", …] } or { "function": "<name>" }' : undefined,
});
export type AgentTool = z.output<typeof AgentToolSchema>;

/** `agents-config/<name>.json`: an agent the registry loads, the Meta Agent writes and plans invoke. */
export const AgentConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z
    .string(required('the agent\'s name, e.g. "ticket-triage"'))
    .regex(AGENT_NAME_PATTERN, 'agent names are lower-case letters, digits, "_" and "-", starting with a letter (at most 64)')
    .describe('Unique name; the file is agents-config/<name>.json and plans refer to it'),
  version: z.string().default('1.0.0').describe('Version of this configuration'),
  description: z.string(required('what the agent is for')).min(1, 'cannot be empty').describe('What the agent is for, in one or two sentences'),
  instructions: z.string(required("the agent's system prompt")).min(1, 'cannot be empty').describe("The agent's system prompt"),
  model: z
    .strictObject({
      /** A provider of `config/models.json`; its default when absent. */
      provider: z.string().optional().describe('A provider of config/models.json (its default when absent)'),
      name: z.string().optional().describe("The model name (the provider's default when absent)"),
      settings: z
        .strictObject({
          temperature: z.number().min(0).max(2).optional(),
          topP: z.number().min(0).max(1).optional(),
          maxTokens: z.number().int().positive().optional(),
        })
        .optional(),
    })
    .prefault({}),
  tools: z.array(AgentToolSchema).default([]),
  /** JSON Schema of the structured output, when the agent must answer in a shape. */
  outputSchema: z.record(z.string(), z.unknown()).optional().describe('JSON Schema the final answer must match'),
  maxTurns: z.number().int().min(1).max(100).default(10).describe('Model calls allowed in one invocation'),
  riskLevel: RiskLevelSchema.default('medium').describe('Risk of invoking the agent, for approval gating'),
  handoffs: z.array(z.string().regex(AGENT_NAME_PATTERN)).default([]).describe('Other agents this one may hand the conversation to'),
});
export type AgentConfig = z.output<typeof AgentConfigSchema>;

export interface RegisteredAgent {
  config: AgentConfig;
  /** The file it came from, when it came from `agents-config/`. */
  file?: string;
  loadedAt: string;
}

/** The one agent registry for plan nodes and plugins. */
export interface AgentRegistry {
  register(config: AgentConfig, options?: { persist?: boolean; overwrite?: boolean }): Promise<RegisteredAgent>;
  list(): RegisteredAgent[];
  get(name: string): RegisteredAgent | undefined;
  /** The agent, or a `not_found` error naming it and the known agents. */
  ensure(name: string): RegisteredAgent;
  unregister(name: string, options?: { deleteFile?: boolean }): Promise<boolean>;
  /** Invalid files seen in `agents-config/`, with file and field. */
  problems(): { file: string; message: string }[];
}
export const AgentRegistry = Symbol.for('orch.AgentRegistry');

/**
 * Contribution point: a function an agent may call (`{ "function": "<name>" }` in its tools).
 * `parameters` is the JSON Schema of the arguments (an object schema); the result is shown to the
 * model (strings as they are, anything else as JSON).
 */
export interface AgentFunctionToolContext {
  agent: string;
  runId?: string;
  nodeId?: string;
  operator: string;
  signal?: AbortSignal;
}
export interface AgentFunctionTool {
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
  readonly riskLevel?: RiskLevel;
  invoke(args: Record<string, unknown>, context: AgentFunctionToolContext): Promise<unknown>;
}
export const AgentFunctionTool = Symbol.for('orch.AgentFunctionTool');

/** What an `agent_invocation` node leaves in `nodes.<id>`. */
export interface AgentInvocationOutput {
  /** The final answer: text, or the parsed JSON value when an output schema applies. */
  output: unknown;
  agent: string;
  /** The agent that gave the final answer (differs after a handoff). */
  answeredBy: string;
  model: { provider: string; name: string };
  usage: { requests: number; inputTokens: number; outputTokens: number; totalTokens: number };
  /** Tool calls the agent made, in order. */
  toolCalls: { tool: string; alias?: string; outcome: 'ok' | 'error' }[];
}

/**
 * Structured generation with a model provider of `config/models.json`, for the Designer and the Meta
 * Agent: the answer must match `schema`; `check` may add semantic errors; failures are fed back to
 * the model for up to `maxRounds` repairs, then a clear error lists the remaining problems.
 *
 * The schema is sent as JSON Schema (`z.toJSONSchema`, input side); it is sent with `strict: true`
 * only when it qualifies (every property required, no additional properties — use `.nullable()`,
 * not `.optional()`, in schemas meant for strict mode). Servers that refuse `json_schema` get JSON
 * mode with the schema in the prompt, then a plain prompt, and the answer is validated here.
 */
export interface StructuredGenerationRequest<T> {
  system: string;
  prompt: string;
  schema: z.ZodType<T>;
  schemaName: string;
  check?: (value: T) => Promise<string[]> | string[];
  /**
   * For an answer that is JSON but breaks `schema`: more problems of the same answer found in
   * whatever parts do parse (the Designer dry-runs it), reported with the schema's in the same round,
   * so the model hears every problem at once.
   */
  checkRaw?: (raw: unknown) => Promise<string[]> | string[];
  /** Repairs after the first answer (default 3). */
  maxRounds?: number;
  provider?: string;
  model?: string;
  signal?: AbortSignal;
  /** Called after each rejected answer (for progress output), with the repair rounds still left (0: this was the last attempt). */
  onRound?: (round: number, problems: string[], repairsLeft: number) => void;
}

export interface StructuredGenerationResult<T> {
  value: T;
  /** Model calls made (1 = valid at once). */
  rounds: number;
  usage?: { inputTokens: number; outputTokens: number };
  /** The provider and model actually used, and how structure was asked for. */
  provider?: string;
  model?: string;
  mode?: 'json_schema' | 'json_object' | 'prompt';
}

export interface ModelGateway {
  generateStructured<T>(request: StructuredGenerationRequest<T>): Promise<StructuredGenerationResult<T>>;
}
export const ModelGateway = Symbol.for('orch.ModelGateway');

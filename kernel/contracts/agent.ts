import { z } from 'zod';
import { RiskLevelSchema } from './risk-level.js';

export const AGENT_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/** `agents-config/<name>.json`: an agent the registry loads, the Meta Agent writes and plans invoke. */
export const AgentConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(AGENT_NAME_PATTERN, 'agent names are lower-case letters, digits, "_" and "-"'),
  version: z.string().default('1.0.0'),
  description: z.string().min(1),
  instructions: z.string().min(1),
  model: z
    .strictObject({
      /** A provider of `config/models.json`; its default when absent. */
      provider: z.string().optional(),
      name: z.string().optional(),
      settings: z
        .strictObject({
          temperature: z.number().min(0).max(2).optional(),
          topP: z.number().min(0).max(1).optional(),
          maxTokens: z.number().int().positive().optional(),
        })
        .optional(),
    })
    .prefault({}),
  tools: z
    .array(
      z.union([
        z.strictObject({ mcp: z.string().min(1), allow: z.array(z.string().min(1)).optional() }),
        z.strictObject({ function: z.string().min(1) }),
      ]),
    )
    .default([]),
  /** JSON Schema of the structured output, when the agent must answer in a shape. */
  outputSchema: z.record(z.string(), z.unknown()).optional(),
  maxTurns: z.number().int().min(1).max(100).default(10),
  riskLevel: RiskLevelSchema.default('medium'),
  handoffs: z.array(z.string().regex(AGENT_NAME_PATTERN)).default([]),
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
 * Structured generation with a model provider of `config/models.json`, for the Designer and the Meta
 * Agent: the answer must match `schema`; `check` may add semantic errors; failures are fed back to
 * the model for up to `maxRounds` repairs, then a clear error lists the remaining problems.
 */
export interface StructuredGenerationRequest<T> {
  system: string;
  prompt: string;
  schema: z.ZodType<T>;
  schemaName: string;
  check?: (value: T) => Promise<string[]> | string[];
  maxRounds?: number;
  provider?: string;
  model?: string;
  signal?: AbortSignal;
}

export interface StructuredGenerationResult<T> {
  value: T;
  rounds: number;
  usage?: { inputTokens: number; outputTokens: number };
}

export interface ModelGateway {
  generateStructured<T>(request: StructuredGenerationRequest<T>): Promise<StructuredGenerationResult<T>>;
}
export const ModelGateway = Symbol.for('orch.ModelGateway');

import { z } from 'zod';
import { OrchError } from '../../kernel/index.js';

/**
 * `config/models.json`: the model providers agents, the Designer and the Meta Agent talk to. Every
 * provider is OpenAI-compatible; `api` picks the protocol the Agents SDK speaks to it
 * (`chat_completions` for Ollama, vLLM, LM Studio…; `responses` for OpenAI itself).
 */
export const MODELS_CONFIG = 'models.json';

const PROVIDER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export const ModelProviderSchema = z.strictObject({
  description: z.string().max(500).optional(),
  /** The OpenAI-compatible endpoint, e.g. `http://127.0.0.1:11434/v1`. */
  baseURL: z.string().refine(isHttpUrl, 'an http:// or https:// URL such as http://127.0.0.1:11434/v1'),
  api: z.enum(['chat_completions', 'responses']).default('chat_completions'),
  /** The environment variable holding the API key. */
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name such as OPENAI_API_KEY').optional(),
  /** A provider that needs a key refuses to start without it; local servers usually need none. */
  apiKeyRequired: z.boolean().default(false),
  /** The model used when neither the agent nor the caller names one. */
  defaultModel: z.string().min(1).optional(),
  /**
   * How structured answers are asked for: `json_schema` (falls back on its own when the server
   * refuses it), `json_object` (JSON mode, schema in the prompt) or `prompt` (schema in the prompt only).
   */
  structuredOutput: z.enum(['json_schema', 'json_object', 'prompt']).default('json_schema'),
  /** Longest wait for one model response. */
  timeoutMs: z.number().int().min(1).max(3_600_000).default(120_000),
  /** Longest wait to open a connection: an unreachable endpoint is reported after this, not after the response timeout. */
  connectTimeoutMs: z.number().int().min(1).max(60_000).default(2_000),
  /** Retries of a failed request by the OpenAI SDK (0: fail fast; repair rounds are separate). */
  maxRetries: z.number().int().min(0).max(5).default(0),
});
export type ModelProvider = z.output<typeof ModelProviderSchema>;

export const ModelsConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    default: z.strictObject({
      provider: z.string().min(1),
      model: z.string().min(1),
    }),
    providers: z.record(z.string().regex(PROVIDER_NAME, 'provider names start with a letter and use letters, digits, "_" and "-"'), ModelProviderSchema),
    /**
     * The provider used instead of the default one when that cannot be reached or lacks its key —
     * `demo` (the offline demo model of the demo-model plugin) in the bundled file and when the file
     * is absent; absent or `null`: never fall back. A provider chosen on purpose (by an agent config,
     * a caller or ORCH_MODEL_PROVIDER) never falls back.
     */
    fallback: z.string().regex(PROVIDER_NAME, 'a provider name such as "demo", or null').nullable().optional(),
    tracing: z
      .strictObject({
        /** Export traces of agent runs to OpenAI. Off by default: nothing leaves the machine unasked. */
        enabled: z.boolean().default(false),
        /** The environment variable holding the tracing export key (the key of the `openai` provider otherwise). */
        apiKeyEnv: z.string().optional(),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    if (!config.providers[config.default.provider]) {
      ctx.addIssue({
        code: 'custom',
        path: ['default', 'provider'],
        message: `names provider "${config.default.provider}", which is not in providers (${Object.keys(config.providers).join(', ') || 'none'})`,
      });
    }
  });
export type ModelsConfig = z.output<typeof ModelsConfigSchema>;

/** Used when `config/models.json` is absent: a local OpenAI-compatible server such as Ollama, else the demo model. */
export const DEFAULT_MODELS_CONFIG: z.input<typeof ModelsConfigSchema> = {
  default: { provider: 'local', model: 'llama3.2' },
  fallback: 'demo',
  providers: {
    local: {
      description: 'A local OpenAI-compatible server (Ollama, vLLM, LM Studio)',
      baseURL: 'http://127.0.0.1:11434/v1',
      api: 'chat_completions',
      apiKeyEnv: 'OPENAI_API_KEY',
      apiKeyRequired: false,
    },
  },
};

/** Environment variables that choose the provider (and model) for every call that names none. */
export const PROVIDER_ENV = 'ORCH_MODEL_PROVIDER';
export const MODEL_ENV = 'ORCH_MODEL';

/** A provider and model picked for one call, with its key looked up. */
export interface ResolvedModel {
  provider: string;
  model: string;
  settings: ModelProvider;
  apiKey: string;
}

/** Provider and model a choice comes to, without looking up keys (for listings). */
export function effectiveModel(config: ModelsConfig, choice: { provider?: string; model?: string }): { provider: string; model: string } {
  const provider = choice.provider ?? config.default.provider;
  return { provider, model: choice.model ?? config.providers[provider]?.defaultModel ?? config.default.model };
}

/** Placeholder key for servers that need none (the OpenAI SDK insists on a non-empty key). */
export const NO_KEY = 'orch-no-key';

/**
 * Picks provider and model: the caller's choice, else the provider's `defaultModel`, else the
 * config's default. A missing provider or key is an `invalid_input` error saying what to set.
 */
export function resolveModel(config: ModelsConfig, choice: { provider?: string; model?: string }, env: NodeJS.ProcessEnv = process.env): ResolvedModel {
  const provider = choice.provider ?? config.default.provider;
  const settings = config.providers[provider];
  if (!settings) {
    const known = Object.keys(config.providers);
    throw new OrchError('invalid_input', `Unknown model provider "${provider}"; config/models.json defines ${known.length ? known.join(', ') : 'none'}`, {
      file: 'config/models.json',
      provider,
    });
  }
  const model = choice.model ?? settings.defaultModel ?? config.default.model;
  const key = settings.apiKeyEnv ? env[settings.apiKeyEnv] : undefined;
  if (!key && settings.apiKeyRequired) {
    const where = settings.apiKeyEnv
      ? `the environment variable ${settings.apiKeyEnv}, which is not set`
      : 'an environment variable, but providers.' + provider + '.apiKeyEnv names none';
    throw new OrchError('invalid_input', `Model provider "${provider}" needs an API key in ${where} (config/models.json: providers.${provider})`, {
      file: 'config/models.json',
      issues: [{ path: `providers.${provider}.apiKeyEnv`, message: settings.apiKeyEnv ? `${settings.apiKeyEnv} is not set` : 'no variable named' }],
    });
  }
  return { provider, model, settings, apiKey: key || NO_KEY };
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

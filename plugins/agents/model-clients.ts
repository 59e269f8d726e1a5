import type { Model } from '@openai/agents';
import { inject, injectable, multiInject, optional } from 'inversify';
import type OpenAI from 'openai';
import { Config, describeError, isOrchError, Logger } from '../../kernel/index.js';
import { ModelProviderContribution } from './api/index.js';
import { loadAgentsSdk, prepareAgentsSdk } from './agents-sdk.js';
import { probeEndpoint } from './endpoint-probe.js';
import { loadOpenAiSdk } from './openai-sdk.js';
import {
  DEFAULT_MODELS_CONFIG,
  MODEL_ENV,
  MODELS_CONFIG,
  ModelProviderSchema,
  ModelsConfigSchema,
  PROVIDER_ENV,
  resolveModel,
  type ModelsConfig,
  type ResolvedModel,
} from './models-config.js';

/** How long a default provider found unusable is skipped before it is tried again. */
const UNUSABLE_FOR_MS = 15_000;

/**
 * The model providers of `config/models.json` as clients: the official `openai` SDK for structured
 * generation, and `@openai/agents` models (Chat Completions or Responses, per provider) for agents.
 * The config is read on each call so an edit takes effect without a restart; both SDKs are loaded by
 * the first call that needs a client, not when the plugin loads.
 *
 * Providers contributed by plugins (`ModelProviderContribution`, e.g. the offline demo model) are
 * listed next to the configured ones. When a call names no provider, `ORCH_MODEL_PROVIDER` (then
 * `config/models.json`'s default) decides; only the models.json default falls back — to the
 * `fallback` provider — when it cannot be reached or lacks its key.
 */
@injectable()
export class ModelClients {
  private readonly clients = new Map<string, OpenAI>();
  /** Default providers found unusable, with when and why (skipped for a while, then tried again). */
  private readonly unusable = new Map<string, { at: number; reason: string }>();
  private readonly announced = new Set<string>();

  constructor(
    @inject(Config) private readonly config: Config,
    @multiInject(ModelProviderContribution) @optional() private readonly contributed: ModelProviderContribution[] = [],
    @inject(Logger) @optional() private readonly logger?: Logger,
  ) {}

  async settings(): Promise<ModelsConfig> {
    const models = await this.config.load(MODELS_CONFIG, ModelsConfigSchema, DEFAULT_MODELS_CONFIG);
    const keyEnv = models.tracing.apiKeyEnv ?? models.providers.openai?.apiKeyEnv;
    prepareAgentsSdk({ enabled: models.tracing.enabled, apiKey: keyEnv ? process.env[keyEnv] : undefined });
    const providers = { ...models.providers };
    for (const contribution of this.contributed ?? []) {
      if (providers[contribution.name]) continue; // config/models.json wins over a contributed provider of the same name
      const endpoint = await contribution.endpoint();
      providers[contribution.name] = ModelProviderSchema.parse({
        description: contribution.description,
        baseURL: endpoint.baseURL,
        api: 'chat_completions',
        defaultModel: endpoint.model,
        timeoutMs: 60_000,
      });
    }
    return { ...models, providers };
  }

  /** Provider and model for a call; a missing provider or key is a clear `invalid_input` error. */
  async resolve(choice: { provider?: string; model?: string } = {}, signal?: AbortSignal): Promise<ResolvedModel> {
    const models = await this.settings();
    const forced = process.env[PROVIDER_ENV]?.trim();
    if (choice.provider === undefined && forced) {
      return this.pinContributed(resolveModel(models, { provider: forced, model: choice.model ?? (process.env[MODEL_ENV]?.trim() || undefined) }));
    }
    if (choice.provider !== undefined) return this.pinContributed(resolveModel(models, choice));
    const fallback = models.fallback;
    if (!fallback || fallback === models.default.provider || !models.providers[fallback]) return this.pinContributed(resolveModel(models, choice));

    const preferred = models.default.provider;
    const known = this.unusable.get(preferred);
    if (!known || Date.now() - known.at > UNUSABLE_FOR_MS) {
      try {
        const target = resolveModel(models, choice);
        await this.reach(target, signal);
        this.unusable.delete(preferred);
        this.announced.delete(preferred);
        return this.pinContributed(target);
      } catch (error) {
        if (!isOrchError(error) || !['unavailable', 'invalid_input'].includes(error.code)) throw error;
        this.unusable.set(preferred, { at: Date.now(), reason: describeError(error) });
      }
    }
    const target = this.pinContributed(resolveModel(models, { provider: fallback }));
    if (!this.announced.has(preferred)) {
      this.announced.add(preferred);
      this.logger?.warn(
        `The default model provider "${preferred}" cannot be used (${this.unusable.get(preferred)?.reason}); using the "${fallback}" provider instead. Start the model server, or set ${PROVIDER_ENV} or "default" in config/models.json (see docs/agents.md).`,
        { category: 'agents', plugin: 'agents', provider: preferred, fallback },
      );
    }
    return target;
  }

  /** Which provider the default would come to now, and why (for listings and `status`). */
  fallbackReason(provider: string): string | undefined {
    return this.unusable.get(provider)?.reason;
  }

  /** Fails fast (`unavailable`) when the provider's endpoint does not accept connections. */
  reach(target: ResolvedModel, signal?: AbortSignal): Promise<void> {
    return probeEndpoint(target.provider, target.settings.baseURL, target.settings.connectTimeoutMs, signal);
  }

  /** The `openai` client of a provider (the SDK is loaded by the first call). */
  async openai(target: ResolvedModel): Promise<OpenAI> {
    const { baseURL, timeoutMs, maxRetries } = target.settings;
    const key = JSON.stringify([target.provider, baseURL, target.apiKey, timeoutMs, maxRetries]);
    let client = this.clients.get(key);
    if (!client) {
      const { OpenAI } = await loadOpenAiSdk();
      client = this.clients.get(key) ?? new OpenAI({ baseURL, apiKey: target.apiKey, timeout: timeoutMs, maxRetries });
      this.clients.set(key, client);
    }
    return client;
  }

  /** The `@openai/agents` model for an agent: Chat Completions for OpenAI-compatible servers, else Responses. */
  async agentModel(target: ResolvedModel): Promise<Model> {
    const client = await this.openai(target);
    const { OpenAIChatCompletionsModel, OpenAIResponsesModel } = await loadAgentsSdk();
    return target.settings.api === 'responses' ? new OpenAIResponsesModel(client, target.model) : new OpenAIChatCompletionsModel(client, target.model);
  }

  /** A contributed provider serves one model: its name (e.g. `demo/orch-demo-1`) is what outputs record. */
  private pinContributed(target: ResolvedModel): ResolvedModel {
    const contributed = (this.contributed ?? []).some((c) => c.name === target.provider);
    if (!contributed || !target.settings.defaultModel || target.model.startsWith(`${target.provider}/`)) return target;
    return { ...target, model: target.settings.defaultModel };
  }
}

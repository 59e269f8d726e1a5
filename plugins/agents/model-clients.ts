import { OpenAIChatCompletionsModel, OpenAIResponsesModel, type Model } from '@openai/agents';
import { inject, injectable } from 'inversify';
import OpenAI from 'openai';
import { Config } from '../../kernel/index.js';
import { prepareAgentsSdk } from './agents-sdk.js';
import { probeEndpoint } from './endpoint-probe.js';
import { DEFAULT_MODELS_CONFIG, MODELS_CONFIG, ModelsConfigSchema, resolveModel, type ModelsConfig, type ResolvedModel } from './models-config.js';

/**
 * The model providers of `config/models.json` as clients: the official `openai` SDK for structured
 * generation, and `@openai/agents` models (Chat Completions or Responses, per provider) for agents.
 * The config is read on each call so an edit takes effect without a restart.
 */
@injectable()
export class ModelClients {
  private readonly clients = new Map<string, OpenAI>();

  constructor(@inject(Config) private readonly config: Config) {}

  async settings(): Promise<ModelsConfig> {
    const models = await this.config.load(MODELS_CONFIG, ModelsConfigSchema, DEFAULT_MODELS_CONFIG);
    const keyEnv = models.tracing.apiKeyEnv ?? models.providers.openai?.apiKeyEnv;
    prepareAgentsSdk({ enabled: models.tracing.enabled, apiKey: keyEnv ? process.env[keyEnv] : undefined });
    return models;
  }

  /** Provider and model for a call; a missing provider or key is a clear `invalid_input` error. */
  async resolve(choice: { provider?: string; model?: string } = {}): Promise<ResolvedModel> {
    return resolveModel(await this.settings(), choice);
  }

  /** Fails fast (`unavailable`) when the provider's endpoint does not accept connections. */
  reach(target: ResolvedModel, signal?: AbortSignal): Promise<void> {
    return probeEndpoint(target.provider, target.settings.baseURL, target.settings.connectTimeoutMs, signal);
  }

  openai(target: ResolvedModel): OpenAI {
    const { baseURL, timeoutMs, maxRetries } = target.settings;
    const key = JSON.stringify([target.provider, baseURL, target.apiKey, timeoutMs, maxRetries]);
    let client = this.clients.get(key);
    if (!client) {
      client = new OpenAI({ baseURL, apiKey: target.apiKey, timeout: timeoutMs, maxRetries });
      this.clients.set(key, client);
    }
    return client;
  }

  /** The `@openai/agents` model for an agent: Chat Completions for OpenAI-compatible servers, else Responses. */
  agentModel(target: ResolvedModel): Model {
    const client = this.openai(target);
    return target.settings.api === 'responses' ? new OpenAIResponsesModel(client, target.model) : new OpenAIChatCompletionsModel(client, target.model);
  }
}

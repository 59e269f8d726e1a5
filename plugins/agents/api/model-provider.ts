/**
 * Contribution point: a model provider a plugin serves itself (e.g. the offline demo model), used
 * next to the providers of `config/models.json`. The agents plugin lists it under its `name` (unless
 * `config/models.json` defines a provider of that name), and falls back to it when the default
 * provider cannot be used and `config/models.json` names it as `fallback`.
 */
export interface ContributedModelEndpoint {
  /** An OpenAI-compatible Chat Completions endpoint, e.g. `http://127.0.0.1:41234/v1`. */
  baseURL: string;
  /** The model every call uses, e.g. `demo/orch-demo-1`. */
  model: string;
}

export interface ModelProviderContribution {
  /** The provider name agents and `config/models.json` use, e.g. `demo`. */
  readonly name: string;
  readonly description: string;
  /** Starts the endpoint on first use (idempotent) and says where it is. */
  endpoint(): Promise<ContributedModelEndpoint>;
}
export const ModelProviderContribution = Symbol.for('orch.ModelProviderContribution');

import type { APIConnectionError, APIError } from 'openai';
import { describeError, isOrchError, OrchError } from '../../kernel/index.js';
import { unreachable } from './endpoint-probe.js';
import { loadedOpenAiSdk } from './openai-sdk.js';
import type { ResolvedModel } from './models-config.js';

/**
 * Turns what the OpenAI SDK throws into an `OrchError` a person can act on: which provider and
 * model, what went wrong, and what to check.
 */
export function modelFailure(error: unknown, target: Pick<ResolvedModel, 'provider' | 'model'> & { settings: { baseURL: string; apiKeyEnv?: string } }): OrchError {
  if (isOrchError(error)) return error;
  const { provider, model } = target;
  // Only a loaded SDK throws its own errors; without it, none of these classes can match.
  const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = loadedOpenAiSdk() ?? {};
  const { baseURL } = target.settings;
  if (APIUserAbortError && error instanceof APIUserAbortError) return new OrchError('cancelled', `Call to model ${model} of provider "${provider}" was cancelled`, { provider, model });
  if (APIConnectionTimeoutError && error instanceof APIConnectionTimeoutError) {
    return new OrchError('timeout', `Model ${model} of provider "${provider}" did not answer in time (providers.${provider}.timeoutMs in config/models.json)`, {
      provider,
      model,
    });
  }
  if (APIConnectionError && error instanceof APIConnectionError) return unreachable(provider, baseURL, connectionReason(error));
  if (APIError && error instanceof APIError) {
    const status = error.status ?? 0;
    const server = serverMessage(error);
    const who = `Model provider "${provider}" (${baseURL})`;
    if (status === 401 || status === 403) {
      const key = target.settings.apiKeyEnv ? ` Check the key in ${target.settings.apiKeyEnv}.` : '';
      return new OrchError('invalid_input', `${who} refused the API key (${status}: ${server}).${key}`, { provider, model, status });
    }
    if (status === 404) {
      return new OrchError('not_found', `${who} has no model "${model}" or no such endpoint (404: ${server})`, { provider, model, status });
    }
    if (status === 429 || status >= 500) {
      return new OrchError('unavailable', `${who} could not answer (${status}: ${server}); try again later`, { provider, model, status });
    }
    return new OrchError('invalid_input', `${who} rejected the request for model ${model} (${status}: ${server})`, { provider, model, status });
  }
  return new OrchError('internal', `Call to model ${model} of provider "${provider}" failed: ${describeError(error)}`, { provider, model }, { cause: error });
}

/** The server's own message of an API error, without the SDK's "400 " prefix. */
export function serverMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string') return body.message;
  return error.message.replace(/^\d{3}\s+/, '');
}

function connectionReason(error: APIConnectionError): string {
  let cause: unknown = error.cause;
  for (let depth = 0; cause && depth < 4; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ENOTFOUND') return 'unknown host';
    if (code === 'ECONNRESET') return 'connection reset';
    cause = (cause as { cause?: unknown }).cause;
  }
  return describeError(error);
}

import { describeError, isOrchError, OrchError } from '../../kernel/index.js';
import { loadedAgentsSdk } from './agents-sdk.js';
import { modelFailure } from './model-failure.js';
import { loadedOpenAiSdk } from './openai-sdk.js';
import type { ResolvedModel } from './models-config.js';

/**
 * What went wrong in one agent run, as a node failure a person can act on: too many turns, a model
 * that broke the protocol or refused, an unreachable provider, a tool that could not be called, a
 * timeout or a cancellation (the node's signal says which).
 */
export function agentRunFailure(error: unknown, agent: string, maxTurns: number, target: ResolvedModel, signal?: AbortSignal): OrchError {
  if (signal?.aborted) return abortFailure(agent, signal);
  // An agent ran, so both SDKs are loaded: their error classes say what went wrong.
  const { MaxTurnsExceededError, ModelBehaviorError, ModelRefusalError, ModelTimeoutError, ToolCallError } = loadedAgentsSdk() ?? {};
  const openai = loadedOpenAiSdk();
  const cause = rootCause(error);
  if (isOrchError(cause)) {
    if (cause === error) return cause;
    return new OrchError(cause.code, `Agent "${agent}": ${cause.message}`, cause.details, { cause: error });
  }
  if (openai && (cause instanceof openai.APIError || cause instanceof openai.OpenAIError)) {
    const mapped = modelFailure(cause, target);
    return new OrchError(mapped.code, `Agent "${agent}": ${mapped.message}`, mapped.details, { cause: error });
  }
  if (MaxTurnsExceededError && error instanceof MaxTurnsExceededError) {
    return new OrchError('internal', `Agent "${agent}" did not finish within maxTurns ${maxTurns}; raise maxTurns in agents-config/${agent}.json or give it a narrower task`, {
      agent,
      maxTurns,
    });
  }
  if (ModelRefusalError && error instanceof ModelRefusalError) return new OrchError('internal', `Agent "${agent}": the model refused: ${describeError(error)}`, { agent });
  if (ModelTimeoutError && error instanceof ModelTimeoutError) return new OrchError('timeout', `Agent "${agent}": the model did not answer in time: ${describeError(error)}`, { agent });
  if (ModelBehaviorError && error instanceof ModelBehaviorError) {
    return new OrchError('internal', `Agent "${agent}": the model ${target.model} misbehaved: ${describeError(error)}`, { agent, model: target.model });
  }
  if (ToolCallError && error instanceof ToolCallError) return new OrchError('internal', `Agent "${agent}": a tool call failed: ${describeError(cause)}`, { agent });
  return new OrchError('internal', `Agent "${agent}" failed: ${describeError(error)}`, { agent }, { cause: error });
}

export function abortFailure(agent: string, signal: AbortSignal): OrchError {
  const reason = signal.reason as unknown;
  if (isOrchError(reason)) return reason;
  const timedOut = reason instanceof Error && (reason.name === 'TimeoutError' || /time/i.test(reason.message));
  return timedOut
    ? new OrchError('timeout', `Agent "${agent}" was stopped by the node timeout`, { agent })
    : new OrchError('cancelled', `Agent "${agent}" was cancelled${reason instanceof Error ? `: ${reason.message}` : ''}`, { agent });
}

/** The SDK wraps tool and model errors; the innermost Orch or OpenAI error says most. */
function rootCause(error: unknown): unknown {
  const apiError = loadedOpenAiSdk()?.APIError;
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    if (isOrchError(current) || (apiError && current instanceof apiError)) return current;
    const next = (current as { error?: unknown })?.error ?? (current as { cause?: unknown })?.cause;
    if (!next || next === current) return current;
    current = next;
  }
  return current;
}

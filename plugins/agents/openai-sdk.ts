/**
 * The official `openai` SDK, loaded on first use: a few hundred modules that only a call to a model
 * needs (structured generation, an agent's model). Whether it is installed is still checked when the
 * plugin loads, so a missing package fails the plugin then, with the error the import would give.
 */
export type OpenAiSdk = typeof import('openai');

import.meta.resolve('openai');

let sdk: OpenAiSdk | undefined;
let loading: Promise<OpenAiSdk> | undefined;

export function loadOpenAiSdk(): Promise<OpenAiSdk> {
  loading ??= import('openai').then((module) => (sdk = module));
  return loading;
}

/** The SDK if a call already loaded it: an error can only be one of its classes after that. */
export function loadedOpenAiSdk(): OpenAiSdk | undefined {
  return sdk;
}

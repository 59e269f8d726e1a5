/**
 * `@openai/agents`, loaded on first use and set up for Orch.
 *
 * The SDK costs about 60 MB and most of a second to import, and only an agent run needs it: the
 * server, `agents:config:*` and every other command start without it. Whether it is installed is still
 * checked when the plugin loads (below), so a missing SDK fails the plugin at the same moment and with
 * the same error as when it was imported up front.
 *
 * Set-up, on load and whenever `config/models.json` is read:
 * - trace export to OpenAI is off unless `config/models.json` turns it on (nothing leaves the
 *   machine unasked);
 * - the SDK's trace provider installs SIGINT/SIGTERM/unhandledRejection handlers (and may
 *   `process.exit` from them, or swallow unhandled rejections); Orch owns those (the kernel stops
 *   plugins gracefully), so they are removed. With tracing on, `flushTraces()` at plugin stop sends
 *   what is buffered instead.
 */
export type AgentsSdk = typeof import('@openai/agents');

// Resolving (not importing) fails like the import would when the package is missing.
import.meta.resolve('@openai/agents');

/** Process events the SDK's trace provider listens to; it may `process.exit` from the signal ones. */
const SDK_SIGNAL_EVENTS = ['SIGINT', 'SIGTERM', 'unhandledRejection'] as const;
/**
 * How the SDK's own handlers are recognised: their source calls these helpers (checked against
 * @openai/agents-core 0.20's tracing/provider). The handlers are installed as soon as the package is
 * imported, so they cannot be told apart by when they appeared.
 */
const SDK_HANDLER_MARKS = ['hasOtherListenersForSignals', 'hasOtherListenersForEvents'];

interface Tracing {
  enabled: boolean;
  apiKey?: string;
}

let sdk: AgentsSdk | undefined;
let loading: Promise<AgentsSdk> | undefined;
/** What config/models.json last asked for (off until it is read). */
let wanted: Tracing = { enabled: false };
/** What the loaded SDK was last told. */
let applied: boolean | undefined;

/** The SDK, imported once and set up; later calls get the same module. */
export function loadAgentsSdk(): Promise<AgentsSdk> {
  loading ??= import('@openai/agents').then((module) => {
    sdk = module;
    applyTracing();
    return module;
  });
  return loading;
}

/** The SDK if something already loaded it (its error classes can only have been thrown then). */
export function loadedAgentsSdk(): AgentsSdk | undefined {
  return sdk;
}

/** Records the tracing wanted by config/models.json and applies it to the SDK once it is loaded. */
export function prepareAgentsSdk(tracing: Tracing): void {
  wanted = tracing;
  applyTracing();
}

function applyTracing(): void {
  removeSdkSignalHandlers();
  if (!sdk || applied === wanted.enabled) return;
  sdk.setTracingDisabled(!wanted.enabled);
  if (wanted.enabled && wanted.apiKey) sdk.setTracingExportApiKey(wanted.apiKey);
  removeSdkSignalHandlers();
  applied = wanted.enabled;
}

export function removeSdkSignalHandlers(): void {
  for (const event of SDK_SIGNAL_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      const source = Function.prototype.toString.call(listener);
      if (SDK_HANDLER_MARKS.some((mark) => source.includes(mark))) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
}

/** Sends buffered traces (only when the SDK is loaded and tracing was turned on). */
export async function flushTraces(): Promise<void> {
  if (sdk && applied) await sdk.getGlobalTraceProvider().forceFlush();
}

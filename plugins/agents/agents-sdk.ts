import { getGlobalTraceProvider, setTracingDisabled, setTracingExportApiKey } from '@openai/agents';

/** Process events the SDK's trace provider listens to; it may `process.exit` from the signal ones. */
const SDK_SIGNAL_EVENTS = ['SIGINT', 'SIGTERM', 'unhandledRejection'] as const;
/**
 * How the SDK's own handlers are recognised: their source calls these helpers (checked against
 * @openai/agents-core 0.20's tracing/provider). The handlers are installed as soon as the package is
 * imported, so they cannot be told apart by when they appeared.
 */
const SDK_HANDLER_MARKS = ['hasOtherListenersForSignals', 'hasOtherListenersForEvents'];
let tracingEnabled: boolean | undefined;

/**
 * Sets up `@openai/agents` for Orch:
 * - trace export to OpenAI is off unless `config/models.json` turns it on (nothing leaves the
 *   machine unasked);
 * - the SDK's trace provider installs SIGINT/SIGTERM/unhandledRejection handlers (and may
 *   `process.exit` from them, or swallow unhandled rejections); Orch owns those (the kernel stops
 *   plugins gracefully), so they are removed. With tracing on, `flushTraces()` at plugin stop sends
 *   what is buffered instead.
 */
export function prepareAgentsSdk(tracing: { enabled: boolean; apiKey?: string }): void {
  removeSdkSignalHandlers();
  if (tracingEnabled === tracing.enabled) return;
  setTracingDisabled(!tracing.enabled);
  if (tracing.enabled && tracing.apiKey) setTracingExportApiKey(tracing.apiKey);
  removeSdkSignalHandlers();
  tracingEnabled = tracing.enabled;
}

export function removeSdkSignalHandlers(): void {
  for (const event of SDK_SIGNAL_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      const source = Function.prototype.toString.call(listener);
      if (SDK_HANDLER_MARKS.some((mark) => source.includes(mark))) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
}

/** Sends buffered traces (only when tracing was turned on). */
export async function flushTraces(): Promise<void> {
  if (tracingEnabled) await getGlobalTraceProvider().forceFlush();
}

import { setTracingDisabled, setTracingExportApiKey } from '@openai/agents';

const SDK_PROCESS_EVENTS = ['SIGINT', 'SIGTERM', 'unhandledRejection', 'beforeExit'] as const;
let prepared: boolean | undefined;

/**
 * Sets up `@openai/agents` for Orch, once per process:
 * - trace export to OpenAI is off unless `config/models.json` turns it on (nothing leaves the
 *   machine unasked);
 * - the SDK's trace provider installs SIGINT/SIGTERM/unhandledRejection handlers the moment it is
 *   created (and may `process.exit` from them); Orch owns those signals (the kernel stops plugins
 *   gracefully), so the handlers the SDK adds are removed again right away.
 */
export function prepareAgentsSdk(tracing: { enabled: boolean; apiKey?: string }): void {
  if (prepared === tracing.enabled) return;
  const before = new Map(SDK_PROCESS_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  setTracingDisabled(!tracing.enabled);
  if (tracing.enabled && tracing.apiKey) setTracingExportApiKey(tracing.apiKey);
  for (const event of SDK_PROCESS_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  prepared = tracing.enabled;
}

/** Context every log line may carry; `category` is required on each line (child loggers set it). Plugins add their own keys (`runId`, `nodeId`, …). */
export interface LogContext {
  category?: string;
  operator?: string;
  plugin?: string;
  tool?: string;
  params?: unknown;
  [key: string]: unknown;
}

/**
 * The single log channel: JSON lines in `logs/app.jsonl`. Secrets (keys, tokens, passwords,
 * authorization headers) are redacted before a line is written.
 */
export interface Logger {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
  /** A logger whose lines all carry `bindings` (typically `{ category }`). */
  child(bindings: LogContext): Logger;
  /** Writes buffered lines; called on shutdown. */
  flush(): Promise<void>;
}
export const Logger = Symbol.for('orch.Logger');

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';
import type { LogContext, Logger } from '../contracts/logger.js';
import { redactSecrets } from './redact.js';

export interface LoggerOptions {
  file: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  operator: string;
}

/**
 * The single log channel, `logs/app.jsonl`: one JSON object per line with `level` (a label),
 * `time` (ISO), `category`, `operator`, `msg` and context. Writes are synchronous appends so
 * several processes can share the file and nothing is lost when a process is killed.
 */
export function createFileLogger(options: LoggerOptions): Logger {
  mkdirSync(dirname(options.file), { recursive: true });
  const destination = pino.destination({ dest: options.file, sync: true, append: true });
  const root = pino(
    {
      level: options.level,
      base: { operator: options.operator, pid: process.pid },
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      messageKey: 'msg',
    },
    destination,
  );
  return new PinoLogger(root.child({ category: 'kernel' }));
}

class PinoLogger implements Logger {
  constructor(private readonly target: pino.Logger) {}

  debug(message: string, context?: LogContext): void {
    this.target.debug(redactSecrets(context ?? {}) as object, message);
  }
  info(message: string, context?: LogContext): void {
    this.target.info(redactSecrets(context ?? {}) as object, message);
  }
  warn(message: string, context?: LogContext): void {
    this.target.warn(redactSecrets(context ?? {}) as object, message);
  }
  error(message: string, context?: LogContext): void {
    this.target.error(redactSecrets(context ?? {}) as object, message);
  }
  child(bindings: LogContext): Logger {
    return new PinoLogger(this.target.child(redactSecrets(bindings) as object));
  }
  async flush(): Promise<void> {
    this.target.flush();
  }
}

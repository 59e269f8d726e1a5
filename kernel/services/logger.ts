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
  return new PinoLogger(root, { category: 'kernel' });
}

/**
 * Bindings are merged here rather than with pino's `child()`, which would repeat a key such as
 * `category` on a line when a child overrides it.
 */
class PinoLogger implements Logger {
  constructor(
    private readonly target: pino.Logger,
    private readonly bindings: LogContext,
  ) {}

  debug(message: string, context?: LogContext): void {
    this.target.debug(this.line(context), redactSecrets(message) as string);
  }
  info(message: string, context?: LogContext): void {
    this.target.info(this.line(context), redactSecrets(message) as string);
  }
  warn(message: string, context?: LogContext): void {
    this.target.warn(this.line(context), redactSecrets(message) as string);
  }
  error(message: string, context?: LogContext): void {
    this.target.error(this.line(context), redactSecrets(message) as string);
  }
  child(bindings: LogContext): Logger {
    return new PinoLogger(this.target, { ...this.bindings, ...(redactSecrets(bindings) as LogContext) });
  }
  async flush(): Promise<void> {
    this.target.flush();
  }

  private line(context: LogContext | undefined): object {
    return context ? { ...this.bindings, ...(redactSecrets(context) as object) } : this.bindings;
  }
}

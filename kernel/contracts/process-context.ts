/** Facts about this process that every plugin may need. */
export interface ProcessContext {
  /** Who is acting: `--operator`, else `ORCH_OPERATOR`, else the OS user. Recorded in logs. */
  readonly operator: string;
  /** `server` for `orch start`, `cli` for one-shot commands, `test` in tests. */
  readonly role: 'server' | 'cli' | 'test';
  /** `--json`: machine-readable output. */
  readonly json: boolean;
  /** Aborted when the process is asked to stop (SIGINT/SIGTERM). */
  readonly shutdownSignal: AbortSignal;
  readonly kernelVersion: string;
}
export const ProcessContext = Symbol.for('orch.ProcessContext');

/**
 * Every file Orch reads or writes resolves through here, so isolated homes (`ORCH_HOME`, `--home`)
 * can run side by side.
 */
export interface Paths {
  /** The Orch installation (where `kernel/` and the built-in `plugins/` live). */
  readonly projectRoot: string;
  /** The folder holding `config/`, `state/`, `logs/` and the plugins' own folders (e.g. `agents-config/`). */
  readonly home: string;
  readonly configDir: string;
  readonly stateDir: string;
  readonly logsDir: string;
  readonly builtinPluginsDir: string;
  /** `config/<name>` */
  config(name: string): string;
  /** `state/<...segments>` */
  state(...segments: string[]): string;
  /** The single log file, `logs/app.jsonl`. */
  readonly logFile: string;
}
export const Paths = Symbol.for('orch.Paths');

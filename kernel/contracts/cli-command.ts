/**
 * Contribution point: the code behind a CLI command declared in a manifest. The manifest carries the
 * name, description and options (so `--help` needs no plugin code); this carries the behaviour.
 */
export interface CommandIO {
  /** `--json` was given: print one JSON document to stdout and nothing else there. */
  readonly json: boolean;
  /** stdout is a terminal (progress displays may redraw). */
  readonly interactive: boolean;
  out(text: string): void;
  err(text: string): void;
  /** Prints `value` as pretty JSON on stdout, newline-terminated. */
  printJson(value: unknown): void;
  /** A dim line on stderr saying where an answer comes from or what happens meanwhile; nothing with `--json`. */
  notice(text: string): void;
}

export interface CliCommand {
  readonly name: string;
  /** `args` holds the parsed positionals and options by their manifest names. Returns the exit code. */
  run(args: Record<string, unknown>, io: CommandIO): Promise<number | void>;
}
export const CliCommand = Symbol.for('orch.CliCommand');

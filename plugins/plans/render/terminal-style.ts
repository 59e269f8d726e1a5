/** ANSI styling when writing to a terminal that wants it; plain text otherwise (pipes, NO_COLOR, --json). */
export interface TerminalStyle {
  ok(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function terminalStyle(enabled: boolean): TerminalStyle {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { ok: wrap(32, 39), bad: wrap(31, 39), warn: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

/** Colour for a command's stdout: a terminal, and the user has not asked for none. */
export function wantsColor(interactive: boolean): boolean {
  return interactive && !process.env.NO_COLOR;
}

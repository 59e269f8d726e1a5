import type { CommandIO } from '../../../kernel/index.js';

/** A dim line on stderr saying where the answer comes from; stdout stays clean for --json. */
export function notice(io: CommandIO, text: string): void {
  if (io.json) return;
  const dim = process.stderr.isTTY && !process.env.NO_COLOR;
  io.err(dim ? `\x1b[2m${text}\x1b[22m` : text);
}

import type { CommandIO } from '../kernel/index.js';

/** The terminal as commands see it. */
export function createTerminalIO(json: boolean): CommandIO {
  return {
    json,
    interactive: Boolean(process.stdout.isTTY) && !json,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    printJson: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    notice(text) {
      if (json) return;
      const dim = process.stderr.isTTY && !process.env.NO_COLOR;
      process.stderr.write(`${dim ? `\x1b[2m${text}\x1b[22m` : text}\n`);
    },
  };
}

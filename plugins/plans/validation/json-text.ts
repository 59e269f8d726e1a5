import { OrchError } from '../../../kernel/index.js';

/** Nesting any plan needs is far below this; deeper input is refused before anything recurses into it. */
export const MAX_JSON_DEPTH = 200;

/**
 * Parses a plan file's text. Syntax errors name the file, line and column (JSON.parse only gives
 * an offset, which nobody can find in an editor).
 */
export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = /position (\d+)/.exec(message)?.[1];
    const where = offset === undefined ? '' : ` at ${lineAndColumn(text, Number(offset))}`;
    throw new OrchError('invalid_input', `${source} is not valid JSON${where}: ${message.replace(/ in JSON at position \d+.*$/, '')}`, {
      file: source,
    });
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** The deepest nesting of arrays and objects in `value`, counted without recursion. */
export function jsonDepth(value: unknown, stopAt = MAX_JSON_DEPTH + 1): number {
  let deepest = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest >= stopAt) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push({ value: child, depth: here });
  }
  return deepest;
}

import { crc32 } from 'node:zlib';

/**
 * One line of an append-only JSON-lines file that can be trusted or not: a JSON object whose first
 * member is a CRC-32 of the rest of the line,
 *
 *     {"crc":"1a2b3c4d","t":"cp",...}\n
 *
 * (the checksum covers `{"t":"cp",...}`, the line with the `"crc":"…",` member taken out). A line
 * torn by a crash or damaged on disk is recognised and never half-applied.
 */
const CRC_PREFIX = '{"crc":"';
const CRC_MEMBER_LENGTH = CRC_PREFIX.length + 8 + 2; // {"crc":"xxxxxxxx",

const crcOf = (text: string) => crc32(text).toString(16).padStart(8, '0');

/** The line for `value` (a non-empty JSON object), newline-terminated. */
export function encodeCheckedLine(value: object): string {
  return checkedLineOf(JSON.stringify(value));
}

/** The line for `body`, the JSON text of a non-empty object (for a caller that has it already). */
export function checkedLineOf(body: string): string {
  if (!body.startsWith('{') || body === '{}') throw new TypeError('a checked line holds a non-empty JSON object');
  return `${CRC_PREFIX}${crcOf(body)}",${body.slice(1)}\n`;
}

/** A line read back (without its newline), or why it cannot be trusted. */
export function decodeCheckedLine(text: string): { value: Record<string, unknown> } | { error: string } {
  if (!text.startsWith(CRC_PREFIX) || text.length <= CRC_MEMBER_LENGTH || text[CRC_MEMBER_LENGTH - 2] !== '"' || text[CRC_MEMBER_LENGTH - 1] !== ',') {
    return { error: 'no checksum' };
  }
  const body = `{${text.slice(CRC_MEMBER_LENGTH)}`;
  if (crcOf(body) !== text.slice(CRC_PREFIX.length, CRC_PREFIX.length + 8)) return { error: 'checksum mismatch' };
  try {
    const value = JSON.parse(body) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'not a JSON object' };
    return { value: value as Record<string, unknown> };
  } catch (error) {
    return { error: `not valid JSON (${(error as Error).message})` };
  }
}

export interface CheckedLines<T> {
  values: T[];
  /** Bytes of the file that hold whole, valid lines. */
  validBytes: number;
  /** What follows the valid lines (a torn or damaged tail), if anything. */
  badTail?: { offset: number; bytes: number; reason: string; complete: boolean; text: string };
}

/**
 * The valid lines of a file. Reading stops at the first line that is torn (no newline) or damaged:
 * what follows may depend on it, so the file is trusted up to there only.
 */
export function parseCheckedLines<T>(buffer: Buffer): CheckedLines<T> {
  const values: T[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const end = buffer.indexOf(0x0a, offset);
    const complete = end >= 0;
    const stop = complete ? end : buffer.length;
    const text = buffer.toString('utf8', offset, stop);
    const decoded = complete ? decodeCheckedLine(text) : { error: 'torn line (no newline at its end)' };
    if ('error' in decoded) return { values, validBytes: offset, badTail: { offset, bytes: buffer.length - offset, reason: decoded.error, complete, text } };
    values.push(decoded.value as T);
    offset = stop + 1;
  }
  return { values, validBytes: offset };
}

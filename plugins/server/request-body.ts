import type { IncomingMessage } from 'node:http';
import { HttpError } from './error-reply.js';

/**
 * How much of an oversized body is read and thrown away before the 413 is sent. A client that is
 * still uploading when the server answers and closes sees EPIPE instead of the answer, so the rest
 * of the body is drained — up to this bound; past it the answer goes out at once and the
 * connection is closed (a client sending gigabytes must not keep the server reading).
 */
export const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a JSON request body, refusing more than `limitBytes` (413, after reading and discarding the
 * rest up to `drainBytes`), a media type other than JSON (415) and malformed JSON (400). An empty
 * body is `undefined`.
 */
export async function readJsonBody(request: IncomingMessage, limitBytes: number, drainBytes = Math.max(DRAIN_LIMIT_BYTES, limitBytes)): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > drainBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  // Iterated by hand: leaving a for-await loop early would destroy the socket before the answer.
  const reader = (request as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  for (;;) {
    const { value, done } = await reader.next();
    if (done) break;
    size += value.length;
    if (size > drainBytes) throw tooLarge(limitBytes);
    if (size <= limitBytes) chunks.push(value);
  }
  if (size > limitBytes) throw tooLarge(limitBytes);
  if (size === 0) return undefined;
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type && type !== 'application/json' && !type.endsWith('+json')) {
    throw new HttpError(415, 'invalid_input', `Request bodies must be JSON (Content-Type: application/json), not ${type}`, {
      issues: [{ path: 'headers.content-type', message: `expected application/json, received ${type}` }],
    });
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'invalid_input', `Request body is not valid JSON: ${(error as Error).message}`, {
      issues: [{ path: 'body', message: 'malformed JSON' }],
    });
  }
}

/** The 413; the server answers it with `Connection: close` (a body past `drainBytes` was not read to its end). */
function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, 'invalid_input', `Request body is larger than ${limitBytes} bytes (server.bodyLimitBytes in config/orch.json)`, {
    limitBytes,
  });
}

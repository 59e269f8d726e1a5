import type { IncomingMessage } from 'node:http';
import { HttpError } from './error-reply.js';

/**
 * Reads a JSON request body, refusing more than `limitBytes` (413) and stopping there, a media type
 * other than JSON (415) and malformed JSON (400). An empty body is `undefined`.
 */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk);
  }
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

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, 'invalid_input', `Request body is larger than ${limitBytes} bytes (server.bodyLimitBytes in config/orch.json)`, {
    limitBytes,
  });
}

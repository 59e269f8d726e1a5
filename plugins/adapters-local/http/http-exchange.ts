import { OrchError } from '../../../kernel/index.js';
import type { HttpOutput, HttpParams } from './http-params.js';

/** One request, as sent. */
export interface HttpExchangeRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxResponseBytes: number;
  responseType: HttpParams['responseType'];
  followRedirects: boolean;
  /** The node's signal: aborting is a cancellation, never retried. */
  signal: AbortSignal;
}

export type HttpAnswer = Omit<HttpOutput, 'tries' | 'durationMs'>;

/** A failure worth another try: the network, the try's timeout. */
export class TransientHttpFailure extends Error {
  override readonly name = 'TransientHttpFailure';
}

/**
 * Sends one request with Node's fetch and reads the answer up to `maxResponseBytes` (a larger
 * one is cut off and fails: half a JSON document is no answer). The body is decoded by content type.
 */
export async function exchange(request: HttpExchangeRequest): Promise<HttpAnswer> {
  const tryTimeout = AbortSignal.timeout(request.timeoutMs);
  const signal = AbortSignal.any([request.signal, tryTimeout]);
  const label = `${request.method} ${safeUrl(request.url)}`;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: request.followRedirects ? 'follow' : 'manual',
      signal,
    });
  } catch (error) {
    throw failureOf(error, request, tryTimeout, label);
  }
  let bytes: Buffer;
  try {
    bytes = await readCapped(response, request.maxResponseBytes, label);
  } catch (error) {
    if (error instanceof OrchError) throw error;
    throw failureOf(error, request, tryTimeout, label);
  }
  const contentType = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    statusText: response.statusText,
    headers: headersOf(response.headers),
    ...decodeBody(bytes, contentType, request.responseType, label),
    url: response.url || request.url.href,
  };
}

function failureOf(error: unknown, request: HttpExchangeRequest, tryTimeout: AbortSignal, label: string): Error {
  if (request.signal.aborted) return (request.signal.reason as Error) ?? new OrchError('cancelled', `${label} was cancelled`);
  if (tryTimeout.aborted) return new TransientHttpFailure(`${label} got no complete answer within ${request.timeoutMs} ms`);
  const cause = (error as { cause?: { message?: string; code?: string } }).cause;
  if (cause?.message === 'bad port') {
    // Fetch (WHATWG) refuses some ports outright (25, 6000, 6665-6669, …): no retry can help.
    return new OrchError('invalid_input', `${label}: port ${request.url.port} is one that fetch refuses to call ("bad port" list of the Fetch standard); use another port`, {
      issues: [{ path: 'params.url', message: `port ${request.url.port} is blocked by fetch` }],
    });
  }
  return new TransientHttpFailure(`${label} failed: ${cause?.message ?? (error as Error).message}`);
}

async function readCapped(response: Response, limit: number, label: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(label, `${declared} bytes`, limit);
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(label, `more than ${limit} bytes`, limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** Raising the limit, not retrying, is the remedy: the node goes to a person at once. */
function tooLarge(label: string, size: string, limit: number): OrchError {
  return new OrchError('invalid_input', `${label}: the answer (${size}) exceeds maxResponseBytes ${limit}; raise the limit if it is expected`, {
    issues: [{ path: 'params.maxResponseBytes', message: `the answer is larger than ${limit} bytes` }],
  });
}

function headersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies.join('\n');
  return out;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b|^[\w.+-]+\/[\w.+-]+\+json\b/i;
const TEXT_TYPE = /^text\/|^application\/(?:xml|javascript|x-www-form-urlencoded|[\w.+-]+\+xml)\b|charset=/i;

function decodeBody(bytes: Buffer, contentType: string, wanted: HttpParams['responseType'], label: string): Pick<HttpAnswer, 'body' | 'bodyEncoding'> {
  if (bytes.length === 0) return { body: null, bodyEncoding: 'empty' };
  const type = wanted === 'auto' ? (JSON_TYPE.test(contentType) ? 'json' : TEXT_TYPE.test(contentType) || contentType === '' ? 'text' : 'base64') : wanted;
  if (type === 'base64') return { body: bytes.toString('base64'), bodyEncoding: 'base64' };
  const text = bytes.toString('utf8');
  if (type === 'text') return { body: text, bodyEncoding: 'text' };
  try {
    return { body: JSON.parse(text), bodyEncoding: 'json' };
  } catch (error) {
    // With `auto` the server's label was wrong: keep the text. With `json` the plan relies on it.
    if (wanted === 'auto') return { body: text, bodyEncoding: 'text' };
    throw new Error(`${label}: the answer is not JSON (responseType json): ${(error as Error).message}`);
  }
}

/** The URL without its query string and credentials, for messages and logs (queries may hold keys). */
export function safeUrl(url: URL): string {
  return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
}

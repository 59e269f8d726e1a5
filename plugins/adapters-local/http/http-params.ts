import { z } from 'zod';

export const HTTP_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Methods whose repetition has no further effect (RFC 9110 §9.2.2): retried without being asked. */
export const IDEMPOTENT_METHODS: readonly HttpMethod[] = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'];

const QueryValue = z.union([z.string(), z.number(), z.boolean()]);

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** `local_task` kind `http`: one HTTP request, with retries of transient failures. */
export const HttpParamsSchema = z
  .strictObject({
    method: z.enum(HTTP_METHODS).default('GET').describe('HTTP method (default GET)'),
    url: z
      .string()
      .refine(isHttpUrl, 'an absolute http:// or https:// URL, e.g. http://127.0.0.1:8080/items')
      .describe('Absolute http(s) URL; may hold {{ … }} templates'),
    headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name'), z.string()).default({}).describe('Request headers'),
    query: z
      .record(z.string(), z.union([QueryValue, z.array(QueryValue)]))
      .default({})
      .describe('Added to the URL\'s query string; an array repeats the name'),
    json: z.unknown().optional().describe('A JSON body (content-type application/json unless a header says otherwise)'),
    text: z.string().optional().describe('A text body (content-type text/plain unless a header says otherwise)'),
    timeoutMs: z.number().int().min(1).max(3_600_000).default(30_000).describe('Longest wait for one try, answer included (default 30000)'),
    retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe('Further tries after a network error, a timeout, 429 or 5xx (default 2); only idempotent methods unless retryNonIdempotent'),
    retryBackoffMs: z.number().int().min(0).max(600_000).default(500).describe('Wait before the first retry (default 500), doubled each time; Retry-After wins when given'),
    retryNonIdempotent: z.boolean().default(false).describe('Also retry POST and PATCH (only when the server deduplicates, e.g. with idempotencyHeader)'),
    idempotencyHeader: z
      .string()
      .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/)
      .optional()
      .describe("Send the run's idempotency key (run:node:attempt) in this header, e.g. Idempotency-Key"),
    acceptStatuses: z
      .array(z.number().int().min(100).max(599))
      .default([])
      .describe('Statuses besides 2xx that count as success (e.g. [404] to test for absence)'),
    followRedirects: z.boolean().default(true).describe('Follow 3xx redirects (default true); when false a 3xx is the answer'),
    responseType: z
      .enum(['auto', 'json', 'text', 'base64'])
      .default('auto')
      .describe('auto: JSON when the content type says so, text for text types, base64 otherwise'),
    maxResponseBytes: z
      .number()
      .int()
      .min(1)
      .max(256 * 1024 * 1024)
      .default(10 * 1024 * 1024)
      .describe('Larger answers fail the node (default 10 MiB)'),
  })
  .refine((p) => p.json === undefined || p.text === undefined, { message: 'give either "json" or "text" as the body, not both', path: ['text'] })
  .refine((p) => (p.method !== 'GET' && p.method !== 'HEAD') || (p.json === undefined && p.text === undefined), {
    message: 'GET and HEAD requests carry no body',
    path: ['method'],
  })
  .describe('Sends one HTTP request; retries network errors, timeouts, 429 and 5xx');

export type HttpParams = z.output<typeof HttpParamsSchema>;

/** What an http (or external_service) node leaves in `nodes.<id>`. */
export interface HttpOutput {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined by ", " (set-cookie by "\n"). */
  headers: Record<string, string>;
  /** Parsed JSON, text, base64 text, or null for an empty body. */
  body: unknown;
  bodyEncoding: 'json' | 'text' | 'base64' | 'empty';
  /** The URL that answered (after redirects). */
  url: string;
  /** How many requests were sent (1 + retries used). */
  tries: number;
  durationMs: number;
}

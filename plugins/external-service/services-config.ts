import { z } from 'zod';
import { RiskLevelSchema } from '../plans/api/index.js';

/** The file, under the home's `config/`. */
export const SERVICES_FILE = 'services.json';

export const SERVICE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** A header whose value is a secret: read from the environment of the process that makes the call. */
export const SecretHeaderSchema = z.strictObject({
  env: z.string().regex(ENV_NAME, 'an environment variable name (letters, digits, "_")').describe('The environment variable holding the secret'),
  prefix: z.string().default('').describe('Put before the secret, e.g. "Bearer "'),
});

export const ServiceRetrySchema = z.strictObject({
  retries: z.number().int().min(0).max(10).default(2).describe('Further tries after a network error, a timeout, 408, 429 or 5xx (default 2)'),
  backoffMs: z.number().int().min(0).max(600_000).default(500).describe('Wait before the first retry, doubled each time (default 500)'),
  retryNonIdempotent: z.boolean().default(false).describe('Also retry POST and PATCH (only when the service deduplicates them)'),
});

export const ServiceSchema = z.strictObject({
  description: z.string().max(500).optional(),
  baseUrl: z
    .string()
    .refine(isHttpUrl, 'an http:// or https:// URL such as http://127.0.0.1:8080/api')
    .describe('Operation paths are appended to it; a path may not lead outside it'),
  headers: z
    .record(z.string().regex(HEADER_NAME, 'not a valid header name'), z.union([z.string(), SecretHeaderSchema]))
    .default({})
    .describe('Sent with every call: a plain value, or { "env": "NAME", "prefix": "Bearer " } for a secret'),
  timeoutMs: z.number().int().min(1).max(3_600_000).default(30_000).describe('Longest wait for one try (default 30000)'),
  retry: ServiceRetrySchema.prefault({}),
  healthPath: z.string().startsWith('/', 'a path starting with "/", relative to baseUrl').optional().describe('GET here answers 2xx when the service is well'),
  riskLevel: RiskLevelSchema.optional().describe('Risk of every operation (default: low for GET/HEAD, medium otherwise)'),
  followRedirects: z
    .boolean()
    .default(false)
    .describe('Follow 3xx answers (default false: a redirect could carry the secret headers to another host)'),
  idempotencyHeader: z.string().regex(HEADER_NAME).optional().describe("Send the run's idempotency key in this header (e.g. Idempotency-Key)"),
  maxResponseBytes: z.number().int().min(1).max(256 * 1024 * 1024).default(10 * 1024 * 1024).describe('Larger answers fail the node (default 10 MiB)'),
});
export type ServiceConfig = z.output<typeof ServiceSchema>;

/** `config/services.json`: service name → how to reach it. */
export const ServicesConfigSchema = z.record(
  z.string().regex(SERVICE_NAME_PATTERN, 'service names start with a letter and use letters, digits, "_" and "-" (at most 64)'),
  ServiceSchema,
);
export type ServicesConfig = z.output<typeof ServicesConfigSchema>;

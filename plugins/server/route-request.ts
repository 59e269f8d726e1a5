import type { z } from 'zod';
import { toFieldIssues, type FieldIssue } from '../../kernel/index.js';
import { type HttpRequest, type HttpRoute } from './api/index.js';
import { HttpError } from './error-reply.js';

const CLIENTS = ['cli', 'gui', 'api'] as const;
const OPERATOR_PATTERN = /^[^\s\u0000-\u001f][^\u0000-\u001f]{0,127}$/;

export interface RawRequest {
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Checks a request against its route's schemas and builds what the handler sees. Every failing
 * field is reported at once, prefixed with where it was (`params.runId`, `query.limit`, `body.inputs.x`).
 */
export function toRouteRequest(route: HttpRoute, raw: RawRequest, defaultOperator: string): HttpRequest {
  const issues: FieldIssue[] = [];
  const check = (schema: z.ZodType | undefined, value: unknown, where: string): unknown => {
    if (!schema) return value;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    issues.push(...toFieldIssues(parsed.error, [where]));
    return undefined;
  };
  const params = check(route.params, raw.params, 'params');
  const query = check(route.query, raw.query, 'query');
  // A POST without a body means "no options": `{}` lets an all-optional body schema accept it.
  const body = check(route.body, raw.body === undefined && route.body ? {} : raw.body, 'body');
  const operator = headerOf(raw.headers, 'x-orch-operator');
  const client = headerOf(raw.headers, 'x-orch-client');
  if (operator !== undefined && !OPERATOR_PATTERN.test(operator)) {
    issues.push({ path: 'headers.x-orch-operator', message: 'expected a name of 1 to 128 printable characters' });
  }
  if (client !== undefined && !(CLIENTS as readonly string[]).includes(client)) {
    issues.push({ path: 'headers.x-orch-client', message: `expected one of ${CLIENTS.join(', ')}, received "${client}"` });
  }
  if (issues.length > 0) {
    const summary = issues
      .slice(0, 3)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
    throw new HttpError(400, 'invalid_input', `Invalid request to ${route.method} /api${route.path}: ${summary}${more}`, { issues });
  }
  return {
    params,
    query,
    body,
    operator: operator ?? defaultOperator,
    client: (client as HttpRequest['client'] | undefined) ?? 'api',
  };
}

function headerOf(headers: RawRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.trim();
}

import type { z } from 'zod';

/**
 * Contribution point: REST routes served by the server plugin under `/api`. Routes are
 * framework-neutral: the server validates `params`, `query` and `body` with the given schemas (400
 * with every failing field, paths prefixed `params.`/`query.`/`body.`), maps thrown `OrchError`s to
 * statuses (400 invalid_input, 404 not_found, 409 conflict/cancelled, 503 unavailable, 504 timeout,
 * 500 otherwise; a thrown ZodError is a 400) and answers `{ error: { code, message, details } }`,
 * never a stack. Query values arrive as strings (use `z.coerce`); a missing body is `{}`.
 * See docs/server.md.
 */
export interface HttpRequest<P = any, Q = any, B = any> {
  params: P;
  query: Q;
  body: B;
  /** From the `x-orch-operator` header, else the server's operator. */
  operator: string;
  /** `cli`, `gui` or `api`, from the `x-orch-client` header. */
  client: 'cli' | 'gui' | 'api';
  /**
   * Aborted when the client goes away before the answer, or when the server's stop cuts requests
   * still running after its grace period. A long handler (e.g. `wait: true`) may pass it on.
   */
  signal?: AbortSignal;
}

export interface HttpReply {
  status: number;
  body: unknown;
}

export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Koa-router style path under `/api`, e.g. `/runs/:runId`. */
  path: string;
  summary: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /**
   * Schemas of the success replies by status (`{ 200: RunListSchema }`, `{ 201: … }`, `{ 204: null }`):
   * published in `GET /api/openapi.json`, and checked against every reply when the server runs with
   * `server.checkResponses` (tests do), so a route cannot drift from what it declares.
   */
  responses?: Record<number, z.ZodType | null>;
  /** The return value is sent as 200 JSON, or use `reply()` for another status. */
  handle(request: HttpRequest): Promise<unknown>;
}

export interface HttpRoutes {
  routes(): HttpRoute[];
}
export const HttpRoutes = Symbol.for('orch.HttpRoutes');

export function reply(status: number, body: unknown): HttpReply & { [REPLY]: true } {
  return { status, body, [REPLY]: true };
}
export const REPLY = Symbol.for('orch.HttpReply');
export function isReply(value: unknown): value is HttpReply {
  return typeof value === 'object' && value !== null && REPLY in value;
}

import type { z } from 'zod';

/**
 * Contribution point: REST routes served by the server plugin under `/api`. Routes are
 * framework-neutral: the server validates `params`, `query` and `body` with the given schemas (400
 * with every failing field, paths prefixed `params.`/`query.`/`body.`), maps thrown `OrchError`s to
 * statuses (400 invalid_input, 403 forbidden, 404 not_found, 409 conflict/cancelled, 503 unavailable, 504 timeout,
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

export function reply<T>(status: number, body: T): HttpReply & { body: T; [REPLY]: true } {
  return { status, body, [REPLY]: true };
}
export const REPLY = Symbol.for('orch.HttpReply');
export function isReply(value: unknown): value is HttpReply {
  return typeof value === 'object' && value !== null && REPLY in value;
}

/**
 * A route's contract without its handler: what the server validates and what a client may rely on.
 * Declared once in the owning plugin's `api/`, served with `serveRoute` and called with the typed
 * client, so the route table, the OpenAPI document and the client cannot drift apart.
 */
export interface RouteContract<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: HttpRoute['method'];
  path: string;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Status of a success (200 unless given) and the schema of its body. */
  status?: 200 | 201 | 202;
  response: R;
}

/** Identity function that keeps a contract's schema types. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  contract: RouteContract<P, Q, B, R>,
): RouteContract<P, Q, B, R> {
  return contract;
}

/**
 * The server side of a contract: its handler gets the validated request and returns the typed body,
 * sent with the contract's status; `reply(200, body)` answers 200 instead (e.g. a create that found
 * nothing to create).
 */
export function serveRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  contract: RouteContract<P, Q, B, R>,
  handle: (request: HttpRequest<z.output<P>, z.output<Q>, z.output<B>>) => Promise<z.input<R> | (HttpReply & { body: z.input<R> })>,
): HttpRoute {
  const status = contract.status ?? 200;
  return {
    method: contract.method,
    path: contract.path,
    summary: contract.summary,
    params: contract.params,
    query: contract.query,
    body: contract.body,
    responses: { 200: contract.response, [status]: contract.response },
    handle: async (request) => {
      const body = await handle(request);
      return status === 200 || isReply(body) ? body : reply(status, body);
    },
  };
}

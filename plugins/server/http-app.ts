import Router from '@koa/router';
import Koa from 'koa';
import { describeError, formatFieldIssues, OrchError, toFieldIssues, type Logger } from '../../kernel/index.js';
import { isReply, type HttpRoute } from './api/index.js';
import { HttpError, toErrorReply } from './error-reply.js';
import { readJsonBody } from './request-body.js';
import { checkRequestOrigin } from './request-origin.js';
import { toRouteRequest } from './route-request.js';
import type { StaticSite } from './static-site.js';

export interface HttpAppOptions {
  routes: readonly HttpRoute[];
  logger: Logger;
  /** Used when a request carries no `x-orch-operator`. */
  defaultOperator: string;
  bodyLimitBytes: number;
  /** True once a graceful stop began: new requests get 503. */
  isDraining(): boolean;
  /** The address listened on (`server.host`): decides which Host and Origin headers are accepted. */
  listenHost: string;
  /** The web GUI and plugin assets outside `/api`. */
  site?: StaticSite;
  /** Check every success reply against the route's declared response schema (tests): a mismatch is a 500 naming the field. */
  checkResponses?: boolean;
}

export interface MountedRoute {
  method: HttpRoute['method'];
  /** Full path, `/api/...`. */
  path: string;
  summary: string;
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The koa application: every contributed route under `/api`, each request checked against the
 * route's Zod schemas, every failure answered as `{ error: { code, message, details } }` JSON.
 */
export function createHttpApp(options: HttpAppOptions): { app: Koa; mounted: MountedRoute[] } {
  const { logger } = options;
  const app = new Koa();
  app.silent = true; // every error is answered and logged below; koa must not print stacks to stderr
  const router = new Router({ prefix: '/api' });
  const mounted: MountedRoute[] = [];

  for (const route of options.routes) {
    const path = route.path === '/' ? '/api' : `/api${route.path}`;
    const key = `${route.method} ${path}`;
    if (mounted.some((m) => `${m.method} ${m.path}` === key)) {
      logger.warn(`Route ${key} is contributed twice; the first one is served`, { route: key });
      continue;
    }
    try {
      router.register(route.path, [route.method], async (ctx) => {
        ctx.state.routed = true;
        const raw = {
          params: { ...(ctx.params as Record<string, string>) },
          query: { ...ctx.query },
          body: METHODS_WITH_BODY.has(ctx.method) ? await readJsonBody(ctx.req, options.bodyLimitBytes) : undefined,
          headers: ctx.headers,
        };
        const request = toRouteRequest(route, raw, options.defaultOperator);
        ctx.state.operator = request.operator;
        const result = await route.handle({ ...request, signal: abortedWhenClientLeaves(ctx) });
        const status = isReply(result) ? result.status : result === undefined ? 204 : 200;
        const body = isReply(result) ? result.body : result;
        if (options.checkResponses) checkResponse(route, status, body);
        if (body === undefined) ctx.status = status;
        else sendJson(ctx, status, body);
      });
      mounted.push({ method: route.method, path, summary: route.summary });
    } catch (error) {
      logger.error(`Route ${key} cannot be mounted: ${describeError(error)}`, { route: key });
    }
  }

  app.use(async (ctx, next) => {
    const began = performance.now();
    try {
      if (options.isDraining()) throw new OrchError('unavailable', 'The Orch server is shutting down; retry once it is back');
      checkRequestOrigin(ctx.headers, options.listenHost);
      await next();
      if (!ctx.state.routed && !(!ctx.path.startsWith('/api') && (await options.site?.serve(ctx)))) throw notFound(router, ctx.method, ctx.path);
    } catch (error) {
      const where = `${ctx.method} ${ctx.path}`;
      const reply = toErrorReply(error, where);
      if (reply.unexpected) {
        logger.error(`${where} failed: ${describeError(error)}`, { stack: (error as Error)?.stack, status: reply.status });
      }
      if (reply.status === 413) ctx.set('Connection', 'close'); // the rest of the body was not read
      if (error instanceof HttpError && error.details?.allow) ctx.set('Allow', String(error.details.allow));
      sendJson(ctx, reply.status, reply.body);
    } finally {
      if (options.isDraining()) ctx.set('Connection', 'close'); // the server is stopping: no keep-alive
      logger.debug(`${ctx.method} ${ctx.path} ${ctx.status}`, {
        status: ctx.status,
        durationMs: Math.round(performance.now() - began),
        operator: ctx.state.operator as string | undefined,
        client: ctx.get('x-orch-client') || undefined,
      });
    }
  });
  app.use(router.routes());
  return { app, mounted };
}

/** A reply that breaks the route's declared response schema is a server bug: answered 500, naming the route and the field. */
function checkResponse(route: HttpRoute, status: number, body: unknown): void {
  if (!route.responses) return;
  const key = `${route.method} /api${route.path}`;
  if (!(status in route.responses)) throw new OrchError('internal', `${key} answered ${status}, which it does not declare (declares ${Object.keys(route.responses).join(', ')})`);
  const schema = route.responses[status];
  if (!schema) return;
  const parsed = schema.safeParse(JSON.parse(JSON.stringify(body ?? null)));
  if (!parsed.success) throw new OrchError('internal', `${key} answered ${status} with a body that breaks its response schema: ${formatFieldIssues(toFieldIssues(parsed.error))}`);
}

/** A signal aborted if the connection closes before the answer was sent (client gone, or cut at shutdown). */
function abortedWhenClientLeaves(ctx: Koa.Context): AbortSignal {
  const controller = new AbortController();
  ctx.res.once('close', () => {
    if (!ctx.res.writableFinished) controller.abort(new OrchError('cancelled', `The client of ${ctx.method} ${ctx.path} went away`));
  });
  return controller.signal;
}

function sendJson(ctx: Koa.Context, status: number, body: unknown): void {
  ctx.status = status;
  if (body === undefined) return;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(body);
}

function notFound(router: Router, method: string, path: string): OrchError {
  const allowed = [...new Set(router.match(path, method).path.flatMap((layer) => layer.methods))].filter((m) => m !== 'HEAD');
  if (allowed.length > 0) {
    return new HttpError(405, 'invalid_input', `${method} is not allowed on ${path}; use ${allowed.join(', ')}`, { allow: allowed.join(', ') });
  }
  const hint = path.startsWith('/api') ? 'GET /api/routes lists the routes' : 'the REST API is under /api (GET /api/routes lists it)';
  return new OrchError('not_found', `No route ${method} ${path}; ${hint}`);
}

import { expect } from 'chai';
import { z } from 'zod';
import type { HttpRoute } from './api/index.js';
import { HttpError } from './error-reply.js';
import { toRouteRequest } from './route-request.js';

const route: HttpRoute = {
  method: 'POST',
  path: '/things/:id',
  summary: 'test',
  params: z.object({ id: z.string().regex(/^\d+$/) }),
  query: z.object({ limit: z.coerce.number().int().optional() }),
  body: z.strictObject({ name: z.string().optional() }),
  handle: async () => undefined,
};

function failure(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    return error as HttpError;
  }
  throw new Error('expected a failure');
}

describe('server: toRouteRequest', () => {
  it('parses each part with its schema and takes operator and client from the headers', () => {
    const request = toRouteRequest(route, { params: { id: '7' }, query: { limit: '3' }, body: { name: 'x' }, headers: { 'x-orch-operator': ' ada ', 'x-orch-client': 'cli' } }, 'server-op');
    expect(request).to.deep.equal({ params: { id: '7' }, query: { limit: 3 }, body: { name: 'x' }, operator: 'ada', client: 'cli' });
  });

  it('defaults the operator, the client and an empty body', () => {
    const request = toRouteRequest(route, { params: { id: '7' }, query: {}, body: undefined, headers: {} }, 'server-op');
    expect(request).to.include({ operator: 'server-op', client: 'api' });
    expect(request.body).to.deep.equal({});
  });

  it('reports every failing field at once, prefixed with where it was', () => {
    const error = failure(() =>
      toRouteRequest(route, { params: { id: 'x' }, query: { limit: 'many' }, body: { other: 1 }, headers: { 'x-orch-client': 'bot', 'x-orch-operator': '\u0001' } }, 'op'),
    );
    expect(error.status).to.equal(400);
    expect(error.details!.issues!.map((i) => i.path)).to.deep.equal(['params.id', 'query.limit', 'body', 'headers.x-orch-operator', 'headers.x-orch-client']);
    expect(error.message).to.contain('POST /api/things/:id').and.contain('(and 2 more)');
  });

  it('passes raw values through when a route declares no schema', () => {
    const bare: HttpRoute = { method: 'GET', path: '/x', summary: 'x', handle: async () => undefined };
    const request = toRouteRequest(bare, { params: { a: '1' }, query: { b: ['1', '2'] }, body: undefined, headers: {} }, 'op');
    expect(request.params).to.deep.equal({ a: '1' });
    expect(request.query).to.deep.equal({ b: ['1', '2'] });
    expect(request.body).to.equal(undefined);
  });
});

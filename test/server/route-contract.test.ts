import { expect } from 'chai';
import { HttpRoutes, type HttpRoute, type HttpRoutes as Routes } from '../../plugins/server/api/index.js';
import { callApi, startTestServer, type TestServer } from '../support/server-harness.js';

/** A concrete path for a route pattern: every `:param` becomes a harmless placeholder. */
const concrete = (path: string): string => `/api${path === '/' ? '' : path.replace(/:([A-Za-z_]+)/g, 'no-such-$1')}`;

/**
 * The contract every contributed route must keep, checked over the routes of every business plugin
 * loaded together in one server: a malformed body is a 400 naming the body, a body of the wrong
 * shape is a 400 with field errors, and no failure carries a stack trace.
 */
describe('server: every contributed route keeps the error contract', function () {
  this.timeout(120_000);
  let server: TestServer;
  let routes: HttpRoute[];

  before(async () => {
    server = await startTestServer({ packages: [], plugins: ['business'] });
    routes = server.kernel.resolveAll<Routes>(HttpRoutes).flatMap((r) => r.routes());
  });
  after(async () => {
    await server?.stop();
    await server?.home.cleanup();
  });

  it('serves routes from several plugins', () => {
    const prefixes = new Set(routes.map((r) => r.path.split('/')[1]));
    expect(prefixes.size, [...prefixes].join(', ')).to.be.greaterThan(3);
  });

  it('answers malformed JSON with 400 on every route that takes a body', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.method !== 'GET')) {
      const reply = await callApi(server.baseUrl, route.method, concrete(route.path), { raw: '{"oops": ', headers: { 'content-type': 'application/json' } });
      const issues = reply.body?.error?.details?.issues ?? [];
      if (reply.status !== 400 || reply.body.error.code !== 'invalid_input' || issues[0]?.path !== 'body') {
        failures.push(`${route.method} ${route.path} → ${reply.status} ${reply.text.slice(0, 160)}`);
      }
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });

  it('answers a body of the wrong shape with 400 and field errors on every route with a body schema', async () => {
    const failures: string[] = [];
    const checked = routes.filter((r) => r.body && r.method !== 'GET');
    expect(checked.length).to.be.greaterThan(3);
    for (const route of checked) {
      for (const body of [['a', 'list'], 'a string', { __unexpected__: { deeply: [1] } }]) {
        const reply = await callApi(server.baseUrl, route.method, concrete(route.path), { body });
        const issues: { path: string; message: string }[] = reply.body?.error?.details?.issues ?? [];
        // An object with only an unknown key may be acceptable to a lenient schema; lists and strings never.
        if (!Array.isArray(body) && typeof body === 'object' && reply.status < 400) continue;
        const ok = reply.status === 400 && issues.length > 0 && issues.every((i) => typeof i.path === 'string' && i.message) && !/\bat .+\.(ts|js):\d+/.test(reply.text);
        if (!ok && !(reply.status === 404 && reply.body?.error?.code === 'not_found')) {
          failures.push(`${route.method} ${route.path} with ${JSON.stringify(body)} → ${reply.status} ${reply.text.slice(0, 160)}`);
        }
      }
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });

  it('answers unknown ids with 404 JSON on GET routes with params', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.method === 'GET' && r.path.includes(':'))) {
      const reply = await callApi(server.baseUrl, 'GET', concrete(route.path));
      if (![400, 404].includes(reply.status) || !reply.body?.error?.code) failures.push(`GET ${route.path} → ${reply.status} ${reply.text.slice(0, 160)}`);
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
  });
});

import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { callApi, startTestServer, type TestServer } from '../support/server-harness.js';

/** Every failure body must be `{ error: { code, message, details } }` and never carry a stack trace. */
function expectErrorBody(body: any, code: string): void {
  expect(body).to.have.keys('error');
  expect(body.error).to.have.keys('code', 'message', 'details');
  expect(body.error.code).to.equal(code);
  expect(JSON.stringify(body)).not.to.match(/\bat .+\.(ts|js):\d+/);
}

describe('server: REST API', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ server: { bodyLimitBytes: 4096 } });
  });
  after(async () => {
    await server?.stop();
    await server?.home.cleanup();
  });

  it('records the port it really bound (config port 0) in state/server.json, on 127.0.0.1', async () => {
    expect(server.location.port).to.be.greaterThan(0);
    expect(server.location.host).to.equal('127.0.0.1');
    expect(server.location.pid).to.equal(process.pid);
    expect(server.location.baseUrl).to.equal(`http://127.0.0.1:${server.location.port}`);
    const text = await readFile(join(server.home.dir, 'state', 'server.json'), 'utf8');
    expect(text.endsWith('\n')).to.equal(true);
    const health = await callApi(server.baseUrl, 'GET', '/api/health');
    expect(health.status).to.equal(200);
    expect(health.body).to.include({ status: 'ok', pid: process.pid, home: server.home.dir });
  });

  it('is not reachable on any other interface of this machine', async () => {
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4' && !i.internal)
      .map((i) => i!.address);
    for (const address of others) {
      const outcome = await new Promise<string>((resolve) => {
        const req = httpRequest({ host: address, port: server.location.port, path: '/api/health', timeout: 2000 }, (res) => resolve(`answered ${res.statusCode}`));
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        req.on('timeout', () => {
          req.destroy();
          resolve('timeout');
        });
        req.end();
      });
      expect(outcome, `health on ${address}`).not.to.match(/^answered/);
    }
  });

  it('refuses web pages of other sites and foreign Host names (no CORS, no DNS rebinding) with 403', async () => {
    const ask = (headers: Record<string, string>, method = 'POST'): Promise<{ status: number; body: any }> =>
      new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.location.port, path: '/api/created', method, headers }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end();
      });
    const crossSite = await ask({ origin: 'https://evil.example', 'content-type': 'text/plain' });
    expect(crossSite.status).to.equal(403);
    expectErrorBody(crossSite.body, 'invalid_input');
    expect(crossSite.body.error.message).to.contain('https://evil.example');
    const rebound = await ask({ host: `evil.example:${server.location.port}` }, 'GET');
    expect(rebound.status).to.equal(403);
    expect((await ask({ origin: `http://localhost:${server.location.port}` })).status).to.equal(201);
  });

  it('passes validated params, query and body to the route, with operator and client from the headers', async () => {
    const reply = await callApi(server.baseUrl, 'POST', '/api/echo/abc?n=3', {
      body: { name: 'Ada' },
      headers: { 'x-orch-operator': 'ada', 'x-orch-client': 'gui' },
    });
    expect(reply.status).to.equal(200);
    expect(reply.body).to.deep.equal({ params: { id: 'abc' }, query: { n: 3 }, body: { name: 'Ada', tags: [] }, operator: 'ada', client: 'gui', signal: true });
    const anonymous = await callApi(server.baseUrl, 'POST', '/api/echo/abc', { body: { name: 'Ada' } });
    expect(anonymous.body).to.include({ operator: 'tester', client: 'api' });
  });

  it('rejects bad params, query, body and headers at once with 400 and every failing field', async () => {
    const reply = await callApi(server.baseUrl, 'POST', '/api/echo/ABC?n=zero', {
      body: { name: '', extra: 1 },
      headers: { 'x-orch-client': 'robot' },
    });
    expect(reply.status).to.equal(400);
    expectErrorBody(reply.body, 'invalid_input');
    const paths = reply.body.error.details.issues.map((i: any) => i.path);
    expect(paths).to.include.members(['params.id', 'query.n', 'body.name', 'body', 'headers.x-orch-client']);
    expect(reply.body.error.message).to.contain('POST /api/echo/:id').and.contain('params.id: lower-case letters only');
  });

  it('treats a missing body as {} and a body of the wrong shape as 400', async () => {
    const missing = await callApi(server.baseUrl, 'POST', '/api/echo/abc');
    expect(missing.status).to.equal(400);
    expect(missing.body.error.details.issues.map((i: any) => i.path)).to.deep.equal(['body.name']);
    const array = await callApi(server.baseUrl, 'POST', '/api/echo/abc', { body: [1, 2] });
    expect(array.status).to.equal(400);
    expect(array.body.error.details.issues[0].path).to.equal('body');
  });

  it('answers malformed JSON with 400, a foreign media type with 415 and an oversized body with 413', async () => {
    const malformed = await callApi(server.baseUrl, 'POST', '/api/echo/abc', { raw: '{"name": "Ada",', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).to.equal(400);
    expectErrorBody(malformed.body, 'invalid_input');
    expect(malformed.body.error.message).to.contain('not valid JSON');

    const text = await callApi(server.baseUrl, 'POST', '/api/echo/abc', { raw: 'name=Ada', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(text.status).to.equal(415);
    expectErrorBody(text.body, 'invalid_input');

    const big = await callApi(server.baseUrl, 'POST', '/api/echo/abc', { body: { name: 'x'.repeat(10_000) } });
    expect(big.status).to.equal(413);
    expect(big.body.error.message).to.contain('4096 bytes').and.contain('server.bodyLimitBytes');
  });

  it('maps OrchError codes to statuses and hides unexpected errors behind a 500 without a stack', async () => {
    const expected: Record<string, number> = { invalid_input: 400, not_found: 404, conflict: 409, unavailable: 503, timeout: 504, write_failed: 500 };
    for (const [code, status] of Object.entries(expected)) {
      const reply = await callApi(server.baseUrl, 'GET', `/api/fail/${code}`);
      expect(reply.status, code).to.equal(status);
      expectErrorBody(reply.body, code);
      expect(reply.body.error.details.issues).to.deep.equal([{ path: 'x', message: 'y' }]);
    }
    const boom = await callApi(server.baseUrl, 'GET', '/api/boom');
    expect(boom.status).to.equal(500);
    expectErrorBody(boom.body, 'internal');
    expect(boom.text).not.to.contain('index.ts');
    expect(boom.body.error.message).to.contain('GET /api/boom').and.contain('logs/app.jsonl');
    const log = await readFile(join(server.home.dir, 'logs', 'app.jsonl'), 'utf8');
    const line = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((l) => String(l.msg).includes('/api/boom'));
    expect(line).to.include({ level: 'error', category: 'server' });
    expect(line.stack).to.contain('kaboom');
  });

  it('answers unknown routes with 404 JSON and a wrong method with 405 and Allow', async () => {
    const unknown = await callApi(server.baseUrl, 'GET', '/api/no/such/thing');
    expect(unknown.status).to.equal(404);
    expectErrorBody(unknown.body, 'not_found');
    expect(unknown.body.error.message).to.contain('GET /api/routes');
    const outside = await callApi(server.baseUrl, 'GET', '/no-such-asset.js');
    expect(outside.status).to.equal(404);
    expectErrorBody(outside.body, 'not_found');
    const wrong = await callApi(server.baseUrl, 'PUT', '/api/health', { body: {} });
    expect(wrong.status).to.equal(405);
    expect(wrong.headers.get('allow')).to.equal('GET');
    expectErrorBody(wrong.body, 'invalid_input');
  });

  it('sends reply() statuses as given and an undefined result as 204', async () => {
    const created = await callApi(server.baseUrl, 'POST', '/api/created');
    expect(created.status).to.equal(201);
    expect(created.body).to.deep.equal({ created: true });
    const nothing = await callApi(server.baseUrl, 'DELETE', '/api/nothing');
    expect(nothing.status).to.equal(204);
    expect(nothing.text).to.equal('');
  });

  it('lists its routes, the plugins and the GUI panels', async () => {
    const routes = await callApi(server.baseUrl, 'GET', '/api/routes');
    const served = routes.body.routes.map((r: any) => `${r.method} ${r.path}`);
    expect(served).to.include.members(['GET /api/health', 'GET /api/plugins', 'GET /api/panels', 'GET /api/status', 'POST /api/echo/:id']);
    expect(routes.body.events).to.equal('/api/events');

    const plugins = await callApi(server.baseUrl, 'GET', '/api/plugins');
    const echo = plugins.body.plugins.find((p: any) => p.id === 'server-echo');
    expect(echo).to.include({ status: 'loaded', source: 'package', description: 'Server test routes' });
    expect(echo.contributes.panels).to.deep.equal(['echo-panel', 'echo-main']);
    expect(plugins.body.plugins.find((p: any) => p.id === 'server')).to.include({ status: 'loaded' });

    const panels = await callApi(server.baseUrl, 'GET', '/api/panels');
    expect(panels.body.panels.map((p: any) => p.id)).to.deep.equal(['echo-main', 'echo-panel']);
    expect(panels.body.panels[1]).to.deep.equal({
      id: 'echo-panel',
      title: 'Echo',
      pluginId: 'server-echo',
      pluginVersion: '1.0.0',
      slot: 'sidebar',
      order: 5,
      apiVersion: 1,
      route: 'echo-panel',
      moduleUrl: '/plugins/server-echo/1.0.0/echo.js',
    });
    const module = await fetch(`${server.baseUrl}${panels.body.panels[1].moduleUrl}`);
    expect(module.status).to.equal(200);
    expect(module.headers.get('content-type')).to.match(/^text\/javascript/);
    expect(module.headers.get('cache-control')).to.contain('immutable');
    expect(await module.text()).to.contain("'echo-panel'");
    for (const escape of ['/plugins/server-echo/1.0.0/../package.json', '/plugins/server-echo/1.0.0/%2e%2e/package.json', '/plugins/server-echo/9.9.9/echo.js', '/plugins/other/1.0.0/echo.js']) {
      expect((await fetch(`${server.baseUrl}${escape}`)).status, escape).to.equal(404);
    }
  });

  it('summarises itself on GET /api/status', async () => {
    const status = await callApi(server.baseUrl, 'GET', '/api/status');
    expect(status.status).to.equal(200);
    expect(status.body.source).to.equal('server');
    expect(status.body.server).to.include({ state: 'up', pid: process.pid, port: server.location.port });
    expect(status.body).to.include({ bridges: null, runs: null, approvals: null });
    expect(status.body.echo).to.deep.equal({ routes: 7 });
  });
});

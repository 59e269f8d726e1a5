import { expect } from 'chai';
import type { NodeAdapter } from '../../plugins/plans/api/index.js';
import { callAdapter, createAdaptersHome, failureOf, type AdaptersHome } from '../support/adapters-context.js';
import { startAdaptersHttpServer, type AdaptersHttpServer } from '../support/adapters-http-server.js';

/** The http adapter against a real server on 127.0.0.1: status codes, retries, slow answers, large bodies. */
describe('adapters: http', function () {
  let home: AdaptersHome;
  let http: NodeAdapter;
  let server: AdaptersHttpServer;
  const fast = { retryBackoffMs: 1 };
  const run = (params: Record<string, unknown>, options = {}) => callAdapter(home, http, params, options) as Promise<Record<string, any>>;

  before(async () => {
    home = await createAdaptersHome();
    http = home.adapter('local_task:http');
    server = await startAdaptersHttpServer();
  });
  after(async () => {
    await server.close();
    await home.cleanup();
  });

  it('sends method, headers, query and a JSON body; answers { status, headers, body } with JSON parsed', async () => {
    const output = await run({
      method: 'POST',
      url: `${server.url}/echo`,
      headers: { 'x-trace': 't1' },
      query: { q: 'a b', tag: ['x', 'y'], n: 3 },
      json: { hello: 'world' },
    });
    expect(output).to.include({ status: 200, bodyEncoding: 'json', tries: 1 });
    expect(output.headers['content-type']).to.equal('application/json');
    expect(output.body).to.deep.include({ method: 'POST', query: { q: 'a b', tag: 'y', n: '3' }, body: '{"hello":"world"}' });
    expect(output.body.headers).to.include({ 'x-trace': 't1', 'content-type': 'application/json' });
    expect(server.seen.at(-1)!.path).to.equal('/echo');
  });

  it('decodes text, binary and mislabelled JSON by content type; follows redirects unless told not to', async () => {
    expect(await run({ url: `${server.url}/text` })).to.include({ body: 'plain words', bodyEncoding: 'text' });
    expect(await run({ url: `${server.url}/binary` })).to.include({ body: 'AAEC/w==', bodyEncoding: 'base64' });
    expect(await run({ url: `${server.url}/bad-json` })).to.include({ body: '{not json', bodyEncoding: 'text' });
    expect((await failureOf(run({ url: `${server.url}/bad-json`, responseType: 'json', retries: 0 }))).message).to.contain('the answer is not JSON');
    expect(await run({ url: `${server.url}/status/204` })).to.include({ status: 204, body: null, bodyEncoding: 'empty' });
    const followed = await run({ url: `${server.url}/redirect` });
    expect(followed).to.include({ status: 200, url: `${server.url}/echo` });
    expect(await run({ url: `${server.url}/redirect`, followRedirects: false })).to.include({ status: 302 });
  });

  it('retries a 503 for GET and succeeds when the server recovers', async () => {
    const output = await run({ url: `${server.url}/flaky/get-recovers?failures=2`, ...fast });
    expect(output).to.include({ status: 200, tries: 3 });
    expect(server.count('/flaky/get-recovers')).to.equal(3);
  });

  it('fails after the retries are spent, naming the status and the tries', async () => {
    const error = await failureOf(run({ url: `${server.url}/status/503`, retries: 2, ...fast }));
    expect(error.message).to.match(/^GET http:\/\/127\.0\.0\.1:\d+\/status\/503 answered 503 Service Unavailable after 3 tries: /);
    expect(error.code, 'a 5xx stays retryable for the executor').to.equal(undefined);
  });

  it('does not retry a POST unless flagged', async () => {
    const once = await failureOf(run({ method: 'POST', url: `${server.url}/flaky/post-once?failures=1`, json: {}, ...fast }));
    expect(once.message).to.contain('(POST is not retried without retryNonIdempotent)');
    expect(server.count('/flaky/post-once')).to.equal(1);
    const flagged = await run({ method: 'POST', url: `${server.url}/flaky/post-flagged?failures=1`, json: {}, retryNonIdempotent: true, idempotencyHeader: 'Idempotency-Key', ...fast });
    expect(flagged.tries).to.equal(2);
    const sent = server.seen.filter((r) => r.path === '/flaky/post-flagged');
    expect(sent.map((r) => r.headers['idempotency-key'])).to.deep.equal(['run-test:node1:1', 'run-test:node1:1']);
  });

  it('a 4xx fails at once and is not retried (by the adapter or the executor)', async () => {
    const error = await failureOf(run({ url: `${server.url}/status/404`, ...fast }));
    expect(error.code).to.equal('invalid_input');
    expect(error.message).to.match(/answered 404 Not Found: \{"status":404,"detail":"answered 404 on purpose"\}$/);
    expect(server.count('/status/404')).to.equal(1);
    expect(await run({ url: `${server.url}/status/404`, acceptStatuses: [404] })).to.include({ status: 404 });
  });

  it('honours Retry-After between tries', async () => {
    const error = await failureOf(run({ url: `${server.url}/retry-after?seconds=0`, retries: 1, retryBackoffMs: 60_000 }));
    expect(error.message).to.contain('after 2 tries');
  });

  it('a slow answer past timeoutMs is a timeout, retried, then a failure', async () => {
    const error = await failureOf(run({ url: `${server.url}/slow?ms=5000`, timeoutMs: 150, retries: 1, ...fast }));
    expect(error.message).to.match(/got no complete answer within 150 ms after 2 tries$/);
    expect(server.count('/slow')).to.equal(2);
  });

  it('cancellation ends the request at once and is not retried', async () => {
    const controller = new AbortController();
    const call = run({ url: `${server.url}/slow?ms=5000`, retries: 3 }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by tester')), 100);
    expect((await failureOf(call)).message).to.equal('cancelled by tester');
  });

  it('a network error (nothing listening) is retried, then fails naming the cause', async () => {
    const closed = await startAdaptersHttpServer();
    await closed.close();
    const error = await failureOf(run({ url: `${closed.url}/x`, retries: 1, ...fast }));
    expect(error.message).to.match(/^GET http:\/\/127\.0\.0\.1:\d+\/x failed: .*ECONNREFUSED.* after 2 tries$/);
  });

  it('a port fetch refuses (the Fetch standard\'s "bad ports") is a clear error, not retried', async () => {
    const error = await failureOf(run({ url: 'http://127.0.0.1:6000/x', ...fast }));
    expect(error.code).to.equal('invalid_input');
    expect(error.message).to.contain('port 6000 is one that fetch refuses to call');
  });

  it('caps the answer size: declared or streamed, the node fails and says which limit', async () => {
    const declared = await failureOf(run({ url: `${server.url}/large?bytes=200000`, maxResponseBytes: 100_000 }));
    expect(declared.code).to.equal('invalid_input');
    expect(declared.message).to.contain('the answer (200000 bytes) exceeds maxResponseBytes 100000');
    const streamed = await failureOf(run({ url: `${server.url}/large?bytes=5000000&chunked=1`, maxResponseBytes: 100_000 }));
    expect(streamed.message).to.contain('the answer (more than 100000 bytes) exceeds maxResponseBytes 100000');
    const fine = await run({ url: `${server.url}/large?bytes=3000000&chunked=1` });
    expect(fine.body).to.have.length(3_000_000);
  });

  it('checks params: URL, one body, no body on GET', () => {
    const problems = (params: object) => http.paramsSchema.safeParse(params).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems({ url: 'ftp://x' })).to.deep.equal(['url: an absolute http:// or https:// URL, e.g. http://127.0.0.1:8080/items']);
    expect(problems({ method: 'POST', url: 'http://x', json: {}, text: 'a' })).to.deep.equal(['text: give either "json" or "text" as the body, not both']);
    expect(problems({ url: 'http://x', json: {} })).to.deep.equal(['method: GET and HEAD requests carry no body']);
  });

  it('judges risk by method and warns about retried POSTs without an idempotency header', async () => {
    expect(http.riskOf!(http.paramsSchema.parse({ url: 'http://x' }))).to.equal('low');
    expect(http.riskOf!(http.paramsSchema.parse({ method: 'DELETE', url: 'http://x' }))).to.equal('medium');
    const issues = await http.dryRun!({ node: {} as never, params: http.paramsSchema.parse({ method: 'POST', url: 'http://x', retryNonIdempotent: true }), logger: home.kernel.logger });
    expect(issues).to.have.length(1);
    expect(issues[0]).to.include({ path: 'params.retryNonIdempotent', severity: 'warning' });
  });
});

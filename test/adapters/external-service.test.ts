import { expect } from 'chai';
import type { NodeAdapter } from '../../plugins/plans/api/index.js';
import { orchCli } from '../support/adapters-cli.js';
import { callAdapter, createAdaptersHome, failureOf, type AdaptersHome } from '../support/adapters-context.js';
import { startAdaptersHttpServer, type AdaptersHttpServer } from '../support/adapters-http-server.js';

const SECRET_ENV = 'ORCH_TEST_CRM_TOKEN';

/** external_service nodes and the services:* commands against a real server on 127.0.0.1. */
describe('adapters: external_service', function () {
  this.timeout(60_000);
  let home: AdaptersHome;
  let adapter: NodeAdapter;
  let server: AdaptersHttpServer;
  let down: string;
  const run = (params: Record<string, unknown>, options = {}) => callAdapter(home, adapter, params, options) as Promise<Record<string, any>>;
  const dryRun = (params: Record<string, unknown>) =>
    adapter.dryRun!({ node: { id: 'call', type: 'external_service', ...params } as never, params: adapter.paramsSchema.parse(params), logger: home.kernel.logger });

  before(async () => {
    server = await startAdaptersHttpServer();
    const closed = await startAdaptersHttpServer();
    await closed.close();
    down = closed.url;
    const services = {
      crm: {
        description: 'test CRM',
        baseUrl: `${server.url}/api`,
        headers: { accept: 'application/json', authorization: { env: SECRET_ENV, prefix: 'Bearer ' } },
        retry: { retries: 1, backoffMs: 1 },
        healthPath: '/../health',
      },
      open: { baseUrl: server.url, headers: { 'x-team': 'ops' }, retry: { retries: 2, backoffMs: 1 }, healthPath: '/health', riskLevel: 'high' },
      sick: { baseUrl: server.url, healthPath: '/status/503' },
      gone: { baseUrl: down, healthPath: '/health', timeoutMs: 2000 },
      quiet: { baseUrl: server.url },
      followed: { baseUrl: server.url, followRedirects: true },
    };
    home = await createAdaptersHome({ plugins: ['external-service'], config: { 'services.json': services } });
    adapter = home.adapter('external_service');
  });
  after(async () => {
    delete process.env[SECRET_ENV];
    await server.close();
    await home.cleanup();
  });

  describe('the adapter', () => {
    it('fails the dry run naming the service and the missing variable', async () => {
      delete process.env[SECRET_ENV];
      const issues = await dryRun({ service: 'crm', operation: { method: 'GET', path: '/contacts' } });
      expect(issues).to.deep.equal([
        { path: 'service', message: `service "crm" needs the environment variable ${SECRET_ENV} (for header authorization), which is not set in this process` },
      ]);
      const error = await failureOf(run({ service: 'crm', operation: { method: 'GET', path: '/contacts' } }));
      expect(error.code).to.equal('invalid_input');
      expect(error.message).to.contain(SECRET_ENV);
      expect(server.count('/api/contacts'), 'nothing was sent').to.equal(0);
    });

    it('calls the operation with base URL, default headers, the secret, query and body', async () => {
      process.env[SECRET_ENV] = 's3cret';
      expect(await dryRun({ service: 'crm', operation: { method: 'GET', path: '/contacts' } })).to.deep.equal([]);
      const output = await run({
        service: 'crm',
        operation: { method: 'POST', path: '/echo' },
        request: { query: { page: 2, tags: ['a', 'b'], filter: { vip: true } }, headers: { 'x-request': 'r1' }, body: { name: 'Ada' } },
      });
      expect(output).to.include({ service: 'crm', status: 200, tries: 1 });
      const seen = server.seen.at(-1)!;
      expect(seen.path).to.equal('/api/echo');
      expect(seen.query).to.deep.equal({ page: '2', tags: 'b', filter: '{"vip":true}' });
      expect(seen.headers).to.include({ authorization: 'Bearer s3cret', accept: 'application/json', 'x-request': 'r1', 'content-type': 'application/json' });
      expect(seen.body).to.equal('{"name":"Ada"}');
    });

    it('uses the service\'s retry policy', async () => {
      const output = await run({ service: 'open', operation: { method: 'GET', path: '/flaky/svc?failures=2' } });
      expect(output).to.include({ status: 200, tries: 3 });
      const error = await failureOf(run({ service: 'open', operation: { method: 'GET', path: '/status/503' } }));
      expect(error.message).to.match(/answered 503 Service Unavailable after 3 tries/);
    });

    it('does not follow redirects unless the service says so, so secret headers never travel elsewhere', async () => {
      process.env[SECRET_ENV] = 's3cret';
      const before = server.count('/echo');
      const output = await run({ service: 'crm', operation: { method: 'GET', path: '/redirect' } });
      expect(output.status).to.equal(302);
      expect(output.headers.location).to.equal('/echo');
      expect(server.count('/echo')).to.equal(before);
      expect(await run({ service: 'followed', operation: { method: 'GET', path: '/redirect' } })).to.include({ status: 200 });
    });

    it('refuses a path that leaves the base URL, at dry run and at run time', async () => {
      const params = { service: 'crm', operation: { method: 'GET', path: '/../status/200' } };
      expect((await dryRun(params))[0]).to.deep.include({ path: 'operation.path' });
      expect((await failureOf(run(params))).message).to.contain('leads outside the base URL of service "crm"');
    });

    it('names the services there are when one is unknown', async () => {
      const issues = await dryRun({ service: 'crn', operation: { method: 'GET', path: '/x' } });
      expect(issues[0]!.message).to.match(/^unknown service "crn"; .*services\.json defines crm, open, sick, gone, quiet, followed$/);
    });

    it('takes risk from the service, else from the method', () => {
      const risk = (params: object) => adapter.riskOf!(adapter.paramsSchema.parse(params));
      expect(risk({ service: 'open', operation: { method: 'GET', path: '/' } })).to.equal('high');
      expect(risk({ service: 'crm', operation: { method: 'GET', path: '/' } })).to.equal('low');
      expect(risk({ service: 'crm', operation: { method: 'DELETE', path: '/' } })).to.equal('medium');
    });
  });

  describe('the commands', () => {
    it('services:list shows every service and which secrets are missing, never a value', async () => {
      const { code, stdout, stderr } = await orchCli(home.dir, ['services:list'], { [SECRET_ENV]: '' });
      expect(code).to.equal(0);
      expect(stdout).to.match(/^NAME +BASE URL +HEALTH +TIMEOUT +RETRIES +SECRETS +DESCRIPTION$/m);
      expect(stdout).to.match(new RegExp(`^crm +${server.url}/api +/\\.\\./health +30 s +1 +${SECRET_ENV} \\(MISSING\\) +test CRM$`, 'm'));
      expect(stderr).to.contain(`Not set in this environment: ${SECRET_ENV} (crm)`);
      const json = await orchCli(home.dir, ['services:list', '--json'], { [SECRET_ENV]: 'visible?' });
      expect(json.stdout).to.not.contain('visible?');
      const crm = JSON.parse(json.stdout).services.find((s: { name: string }) => s.name === 'crm');
      expect(crm.secrets).to.deep.equal([{ header: 'authorization', env: SECRET_ENV, set: true }]);
    });

    it('services:check reports healthy, unhealthy with why, and skipped; exit code 1 when one is unhealthy', async () => {
      const { code, stdout } = await orchCli(home.dir, ['services:check', '--timeout', '3000'], { [SECRET_ENV]: '' });
      expect(code).to.equal(1);
      expect(stdout).to.match(/^open +healthy +\d+ ms +http:\/\/127\.0\.0\.1:\d+\/health +200 OK$/m);
      expect(stdout).to.match(/^sick +unhealthy +\d+ ms +\S+\/status\/503 +503 Service Unavailable$/m);
      expect(stdout).to.match(/^gone +unhealthy +\d+ ms +\S+ +unreachable: .*ECONNREFUSED/m);
      expect(stdout).to.match(/^quiet +skipped +- +- +no healthPath in config\/services\.json$/m);
      expect(stdout).to.match(/^crm +unhealthy .*healthPath \/\.\.\/health leads outside baseUrl/m);
    });

    it('services:check <name> checks one; an unknown name is an error listing the known ones', async () => {
      const one = await orchCli(home.dir, ['services:check', 'open', '--json']);
      expect(one.code).to.equal(0);
      expect(JSON.parse(one.stdout).results).to.have.length(1);
      const unknown = await orchCli(home.dir, ['services:check', 'nope']);
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.match(/^Error: unknown service "nope"; .*defines crm, open, sick, gone, quiet, followed$/m);
    });

    it('a malformed services.json is one clear line naming file and field', async () => {
      await home.writeConfig('services.json', { broken: { baseUrl: 'not a url', retry: { retries: 99 } } });
      try {
        const { code, stderr } = await orchCli(home.dir, ['services:list']);
        expect(code).to.equal(1);
        expect(stderr).to.match(/services\.json is invalid: broken\.baseUrl: an http:\/\/ or https:\/\/ URL .*broken\.retry\.retries/);
      } finally {
        await home.writeConfig('services.json', {});
      }
    });
  });
});

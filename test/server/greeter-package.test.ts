import Ajv2020 from 'ajv/dist/2020.js';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callApi, EventClient, startTestServer, type TestServer } from '../support/server-harness.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const GREETER = join(projectRoot, 'examples', 'orch-plugin-greeter');

/** `orch <args> --home <home>` in a child process: the real CLI, as a user runs it. */
function orch(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(projectRoot, 'bin', 'orch.js'), ...args, '--home', home], { cwd: projectRoot, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The node schemas of the Plan JSON Schema, by type. */
function nodeTypesOf(schema: Record<string, any>): Map<string, Record<string, any>> {
  const variants: Record<string, any>[] = schema.$defs.PlanNode.oneOf ?? schema.$defs.PlanNode.anyOf;
  return new Map(variants.map((v) => [v.properties.type.const as string, v]));
}

const greetingPlan = {
  id: 'greet-ada',
  name: 'Greet Ada',
  goal: 'say hello in French',
  root: {
    id: 'main',
    type: 'sequence',
    children: [{ id: 'hi', type: 'greeting', title: 'Say hello', to: 'Ada', language: 'fr' }],
  },
};

/**
 * Issue 13 (9): the example third-party package adds a node type, an event topic, a status section,
 * a route and a GUI panel — no kernel or ui/ edit — and unlisting it removes every one of them.
 */
describe('server: the example third-party package examples/orch-plugin-greeter', function () {
  this.timeout(300_000);

  describe('listed in config/orch.json plugins.packages', () => {
    let server: TestServer;
    const clients: EventClient[] = [];

    before(async () => {
      server = await startTestServer({ packages: [GREETER], plugins: ['core', 'plans', 'executor', 'greeter'] });
      const greeter = server.kernel.plugins().find((p) => p.id === 'greeter');
      expect(greeter, JSON.stringify(server.kernel.plugins())).to.include({ status: 'loaded', source: 'package' });
    });
    after(async () => {
      for (const client of clients) client.close();
      await server?.stop();
      await server?.home.cleanup();
    });

    it('plan:schema (CLI and GET /api/schemas/plan) describes the greeting node type from its adapter, so editors validate it', async () => {
      const cli = await orch(['plan:schema'], server.home.dir);
      expect(cli.code, cli.stderr).to.equal(0);
      const rest = await callApi(server.baseUrl, 'GET', '/api/schemas/plan');
      expect(rest.status).to.equal(200);
      for (const schema of [JSON.parse(cli.stdout), rest.body]) {
        const greeting = nodeTypesOf(schema).get('greeting');
        expect(greeting, 'greeting in the Plan JSON Schema').to.not.equal(undefined);
        expect(greeting!.properties).to.include.keys('id', 'to', 'language', 'shout', 'retry');
        expect(greeting!.required).to.include.members(['id', 'type', 'to']);
        expect(greeting!.properties.language.enum).to.deep.equal(['en', 'fr', 'de', 'es']);
        const check = new Ajv2020.default({ strict: false }).compile(schema);
        expect(check(greetingPlan), JSON.stringify(check.errors)).to.equal(true);
        expect(check({ ...greetingPlan, root: { id: 'hi', type: 'greeting', language: 'fr' } }), 'a greeting without "to"').to.equal(false);
      }
    });

    it('a plan using it dry-runs with its adapter, and the adapter refuses bad fields by name', async () => {
      const checked = await callApi(server.baseUrl, 'POST', '/api/plans/dry-run', { body: { plan: greetingPlan } });
      expect(checked.status, checked.text).to.equal(200);
      expect(checked.body.ok, JSON.stringify(checked.body)).to.equal(true);
      expect(checked.body.root.children[0]).to.include({ nodeId: 'hi', type: 'greeting', adapter: 'greeting', riskLevel: 'low', approval: 'none' });

      const bad = { ...greetingPlan, root: { id: 'hi', type: 'greeting', language: 'klingon', volume: 11 } };
      const refused = await callApi(server.baseUrl, 'POST', '/api/plans/dry-run', { body: { plan: bad } });
      const issues = refused.body.root.issues.map((i: { field?: string; message: string }) => `${i.field ?? ''}: ${i.message}`);
      expect(refused.body.ok).to.equal(false);
      expect(issues).to.include('to: say whom to greet (to)');
      expect(issues.some((i: string) => i.startsWith('language: '))).to.equal(true);
      expect(issues.some((i: string) => /Unrecognized key: "volume"/.test(i))).to.equal(true);
    });

    it('the plan runs: greeting.sent reaches a WebSocket client filtering on its topic, the snapshot and GET /api/status carry the section, the route lists it', async () => {
      const watcher = await EventClient.connect(server.wsUrl, { topics: 'greeting,run' });
      clients.push(watcher);
      const snapshot = await watcher.waitFor((m) => m.type === 'snapshot', 'the snapshot');
      expect(snapshot.topics).to.deep.equal(['greeting', 'run']);
      expect(snapshot.greetings).to.deep.equal({ sent: 0, last: null });

      const started = await callApi(server.baseUrl, 'POST', '/api/runs', { body: { document: greetingPlan } });
      expect(started.status, started.text).to.equal(201);
      const runId: string = started.body.run.runId;
      const sent = await watcher.waitFor((m) => m.type === 'greeting.sent', 'greeting.sent');
      expect(sent).to.include({ runId, nodeId: 'hi', to: 'Ada', text: 'Bonjour, Ada!' });
      await watcher.waitFor((m) => m.type === 'run.completed' && m.runId === runId, 'run.completed');
      expect(watcher.events().every((e) => e.type.startsWith('greeting.') || e.type.startsWith('run.')), 'only the topics asked for').to.equal(true);

      const run = await callApi(server.baseUrl, 'GET', `/api/runs/${runId}`);
      expect(run.body.run.status).to.equal('completed');

      const status = await callApi(server.baseUrl, 'GET', '/api/status');
      expect(status.body.greetings).to.deep.equal({ sent: 1, last: 'Bonjour, Ada!' });
      const late = await EventClient.connect(server.wsUrl);
      clients.push(late);
      expect((await late.waitFor((m) => m.type === 'snapshot', 'a later snapshot')).greetings).to.deep.equal({ sent: 1, last: 'Bonjour, Ada!' });

      const listed = await callApi(server.baseUrl, 'GET', '/api/greeter/greetings?to=Ada');
      expect(listed.status, listed.text).to.equal(200);
      expect(listed.body.greetings).to.have.length(1);
      expect(listed.body.greetings[0]).to.include({ runId, nodeId: 'hi', to: 'Ada', text: 'Bonjour, Ada!' });
      expect((await callApi(server.baseUrl, 'GET', '/api/greeter/greetings?to=Bob')).body.greetings).to.deep.equal([]);
      const stored = JSON.parse(await readFile(join(server.home.dir, 'state', 'greeter', 'greetings.json'), 'utf8'));
      expect(stored.greetings).to.have.length(1);
    });

    it('lists its panel on GET /api/panels and serves the module it built with Vite against the shared externals', async () => {
      const panels = await callApi(server.baseUrl, 'GET', '/api/panels');
      const panel = panels.body.panels.find((p: { pluginId: string }) => p.pluginId === 'greeter');
      expect(panel).to.deep.include({ id: 'greetings', title: 'Greetings', slot: 'main', apiVersion: 1, pluginVersion: '1.1.0', moduleUrl: '/plugins/greeter/1.1.0/greeter-panel.js' });
      const module = await fetch(`${server.baseUrl}${panel.moduleUrl}`);
      expect(module.status).to.equal(200);
      expect(module.headers.get('content-type')).to.match(/^text\/javascript/);
      const source = await module.text();
      // Bare imports of the shared names only: the shell's import map gives it the shell's React and SDK.
      const imports = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
      expect(imports.sort()).to.deep.equal(['@orch/gui-sdk', 'react', 'react/jsx-runtime']);
      expect(source).to.contain('greetings: GreetingsPanel');
      expect(source).to.equal(await readFile(join(GREETER, 'gui', 'dist', 'greeter-panel.js'), 'utf8'));
    });
  });

  describe('not listed', () => {
    let server: TestServer;

    before(async () => {
      server = await startTestServer({ packages: [], plugins: ['core', 'plans', 'executor'] });
    });
    after(async () => {
      await server?.stop();
      await server?.home.cleanup();
    });

    it('has no greeting node type, topic, status section, route or panel — and nothing else changed', async () => {
      const cli = await orch(['plan:schema'], server.home.dir);
      expect(cli.code, cli.stderr).to.equal(0);
      expect(nodeTypesOf(JSON.parse(cli.stdout)).has('greeting')).to.equal(false);
      const rest = await callApi(server.baseUrl, 'GET', '/api/schemas/plan');
      expect(nodeTypesOf(rest.body).has('greeting')).to.equal(false);
      expect(nodeTypesOf(rest.body).has('sequence')).to.equal(true);

      const checked = await callApi(server.baseUrl, 'POST', '/api/plans/dry-run', { body: { plan: greetingPlan } });
      expect(checked.body.ok).to.equal(false);
      expect(checked.body.root.children[0].issues[0]).to.include({ nodeId: 'hi', field: 'type' });
      expect(checked.body.root.children[0].issues[0].message).to.match(/unknown node type "greeting"; node types are sequence, parallel, conditional, loop/);
      expect((await callApi(server.baseUrl, 'POST', '/api/runs', { body: { document: greetingPlan } })).status).to.equal(400);

      const refused = await EventClient.connect(server.wsUrl, { topics: 'greeting' }).then(
        () => undefined,
        (error: { status?: number; body?: string }) => error,
      );
      expect(refused?.status).to.equal(400);
      expect(JSON.parse(refused!.body!).error.message).to.contain('"greeting"');

      const status = await callApi(server.baseUrl, 'GET', '/api/status');
      expect(status.status).to.equal(200);
      expect(status.body).to.not.have.property('greetings');
      expect((await callApi(server.baseUrl, 'GET', '/api/greeter/greetings')).status).to.equal(404);
      const panels = await callApi(server.baseUrl, 'GET', '/api/panels');
      expect(panels.body.panels.filter((p: { pluginId: string }) => p.pluginId === 'greeter')).to.deep.equal([]);
      expect((await fetch(`${server.baseUrl}/plugins/greeter/1.1.0/greeter-panel.js`)).status).to.equal(404);
    });
  });
});

import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { callApi, EventClient } from '../support/server-harness.js';
import { createBundledHome } from '../support/plans-bundled-home.js';
import { OrchProcess, runOrch } from '../support/server-process.js';
import type { TestHome } from '../support/test-home.js';

/** Plans over REST and WebSocket on a real `orch start`, and the CLI going through it. */
describe('plans: REST routes and the CLI through a running server', function () {
  this.timeout(120_000);
  let home: TestHome;
  let server: OrchProcess;
  let api: string;
  let events: EventClient;

  const plan = (marker: string, extra: Record<string, unknown> = {}) => ({
    id: 'served',
    name: `Served ${marker}`,
    goal: 'Plans over REST',
    root: { id: 'main', type: 'sequence', children: [{ id: 'note', type: 'local_task', kind: 'file', params: { op: 'write', path: `${marker}.txt`, content: marker } }] },
    ...extra,
  });

  before(async () => {
    home = await createBundledHome();
    await home.writeConfig('orch.json', { server: { port: 0 } });
    server = OrchProcess.start(home.dir);
    const location = await server.ready(home.dir);
    api = `${location.baseUrl}/api`;
    events = await EventClient.connect(`${location.baseUrl.replace(/^http/, 'ws')}/api/events`, { topics: 'plan' });
  });
  after(async () => {
    events?.ws.close();
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await home.cleanup();
  });

  it('plan:save goes through the server, which announces plan.saved to every client', async () => {
    const file = join(home.dir, 'workspace', 'served.json');
    await writeFile(file, JSON.stringify(plan('one')));
    const saved = await runOrch(['plan:save', file, '--home', home.dir]);
    expect(saved.code, saved.stderr).to.equal(0);
    expect(saved.stderr).to.match(/through the Orch server at http:\/\/127\.0\.0\.1:\d+, pid \d+/);
    expect(saved.stdout).to.match(/Saved plan served v1/);
    const event = await events.waitFor((m) => m.type === 'plan.saved' && m.version === 1, 'plan.saved v1');
    expect(event.planId).to.equal('served');
  });

  it('lists, shows, versions, saves, rolls back and diffs over REST', async () => {
    const list = await callApi(api, 'GET', '/plans');
    expect(list.status).to.equal(200);
    expect(list.body.plans).to.deep.include.members([{ id: 'served', name: 'Served one', goal: 'Plans over REST', activeVersion: 1, latestVersion: 1, updatedAt: list.body.plans[0].updatedAt }]);

    const second = await callApi(api, 'POST', '/plans', { body: { plan: plan('two') }, headers: { 'x-orch-operator': 'gui-user' } });
    expect(second.status, second.text).to.equal(201);
    expect(second.body.plan).to.include({ version: 2, createdBy: 'gui-user' });
    expect(second.body.report.ok).to.equal(true);
    await events.waitFor((m) => m.type === 'plan.saved' && m.version === 2, 'plan.saved v2');
    const again = await callApi(api, 'POST', '/plans', { body: { plan: plan('two') } });
    expect(again.status, 'nothing was created').to.equal(200);
    expect(again.body, 'the same content again adds no version').to.deep.include({ unchanged: true });
    expect(again.body.plan.version).to.equal(2);

    const stale = await callApi(api, 'POST', '/plans', { body: { plan: plan('stale', { version: 1 }) } });
    expect(stale.status).to.equal(409);
    expect(stale.body.error.message).to.match(/edited from v1, but v2 has been saved since/);

    const rolled = await callApi(api, 'POST', '/plans/served/rollback', { body: { to: 1 } });
    expect(rolled.status, rolled.text).to.equal(200);
    expect(rolled.body.plan.version).to.equal(3);
    const versions = await callApi(api, 'GET', '/plans/served/versions');
    expect(versions.body.versions.map((v: { origin: string }) => v.origin)).to.deep.equal(['save', 'save', 'rollback to v1']);
    expect((await callApi(api, 'GET', '/plans/served')).body.name).to.equal('Served one');
    expect((await callApi(api, 'GET', '/plans/served?version=2')).body.name).to.equal('Served two');
    const diff = await callApi(api, 'GET', '/plans/served/diff?a=2&b=3');
    expect(diff.body.changed[0]).to.deep.include({ nodeId: 'note' });
    expect(diff.body.plan).to.deep.equal([{ field: 'name', before: 'Served two', after: 'Served one' }]);
  });

  it('dry-runs over REST (the report, even when invalid) and refuses to save a plan with errors (400 with the report)', async () => {
    const bad = plan('bad', { root: { id: 'ask', type: 'agent_invocation', agent: 'poet', input: 'x' } });
    const checked = await callApi(api, 'POST', '/plans/dry-run', { body: { plan: bad } });
    expect(checked.status).to.equal(200);
    expect(checked.body.ok).to.equal(false);
    expect(checked.body.root.issues[0]).to.include({ nodeId: 'ask', field: 'agent' });
    const byId = await callApi(api, 'POST', '/plans/dry-run', { body: { planId: 'served', version: 2 } });
    expect(byId.body).to.include({ ok: true, source: 'plan served v2' });
    const refused = await callApi(api, 'POST', '/plans', { body: { plan: bad } });
    expect(refused.status).to.equal(400);
    expect(refused.body.error.message).to.match(/Not saved: request body has 1 error \(node "ask" agent: unknown agent "poet"/);
    expect(refused.body.error.details.report.errorCount).to.equal(1);
  });

  it('answers 404 and 400 with the reason', async () => {
    const missing = await callApi(api, 'GET', '/plans/nope');
    expect(missing.status).to.equal(404);
    expect(missing.body.error.message).to.match(/No plan "nope"; saved plans: served/);
    expect((await callApi(api, 'GET', '/plans/served?version=9')).status).to.equal(404);
    const badId = await callApi(api, 'GET', '/plans/Not%20An%20Id');
    expect(badId.status).to.equal(400);
    expect(badId.body.error.message).to.match(/planId/);
    expect((await callApi(api, 'POST', '/plans/served/rollback', { body: { to: 'one' } })).status).to.equal(400);
  });

  it('serves the Plan JSON Schema and the node types the server can run', async () => {
    const schema = await callApi(api, 'GET', '/schemas/plan');
    expect(schema.body.title).to.equal('Orch plan');
    const types = await callApi(api, 'GET', '/node-types');
    expect(types.body.nodeTypes.map((t: { key: string }) => t.key)).to.include.members(['local_task:file', 'mcp_tool', 'agent_invocation', 'human_approval']);
  });

  it('plan:rollback and plan:dry-run from the CLI go through the server too', async () => {
    const rolled = await runOrch(['plan:rollback', 'served', '--to', '2', '--home', home.dir]);
    expect(rolled.code, rolled.stderr).to.equal(0);
    expect(rolled.stderr).to.match(/through the Orch server/);
    expect(rolled.stdout).to.match(/v4 is now active, with the content of v2/);
    const checked = await runOrch(['plan:dry-run', 'served', '--home', home.dir]);
    expect(checked.code).to.equal(0);
    expect(checked.stderr).to.match(/through the Orch server/);
    expect(checked.stdout).to.match(/✓ valid — 2 nodes/);
  });
});

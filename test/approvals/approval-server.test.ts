import { expect } from 'chai';
import { type EventOf, type OrchEvent } from '../../kernel/index.js';
import { ApprovalStore } from '../../plugins/approvals/api/index.js';
import { runOrch, sampleRequest } from '../support/approvals-helpers.js';
import { callApi, startTestServer, type TestServer } from '../support/server-harness.js';

describe('Approvals through the Orch server: REST routes and the CLI going through them', function () {
  this.timeout(120_000);
  let server: TestServer;
  let store: ApprovalStore;
  const events: OrchEvent[] = [];
  const resolvedEvents = () => events.filter((e): e is EventOf<'approval.resolved'> => e.type === 'approval.resolved');

  before(async () => {
    server = await startTestServer({ packages: [], plugins: ['core', 'approvals'] });
    store = server.kernel.get<ApprovalStore>(ApprovalStore);
    server.kernel.bus.subscribe((event) => events.push(event));
  });
  after(async () => {
    await server?.stop();
    await server?.home.cleanup();
  });

  it('lists, gets (by id or unique prefix) and filters', async () => {
    const a = await store.request(sampleRequest({ runId: 'run-a', key: 'x' }));
    const b = await store.request(sampleRequest({ runId: 'run-b', key: 'x' }));
    const list = await callApi(server.baseUrl, 'GET', '/api/approvals');
    expect(list.status).to.equal(200);
    expect(list.body.approvals.map((r: { id: string }) => r.id)).to.include.members([a.id, b.id]);
    const onlyB = await callApi(server.baseUrl, 'GET', '/api/approvals?runId=run-b');
    expect(onlyB.body.approvals.map((r: { id: string }) => r.id)).to.deep.equal([b.id]);
    const one = await callApi(server.baseUrl, 'GET', `/api/approvals/${a.id.slice(0, 9)}`);
    expect(one.status).to.equal(200);
    expect(one.body.approval).to.include({ id: a.id, runId: 'run-a', title: 'Deploy to production' });
    const missing = await callApi(server.baseUrl, 'GET', '/api/approvals/apr_ffffffffff');
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('not_found');
    const badQuery = await callApi(server.baseUrl, 'GET', '/api/approvals?all=maybe');
    expect(badQuery.status).to.equal(400);
    expect(badQuery.body.error.message).to.contain('query.all');
  });

  it('decides with a validated body; via is the client, the operator the header unless the body names one; 409 the second time', async () => {
    const request = await store.request(sampleRequest({ runId: 'run-rest', key: 'gate' }));
    const bad = await callApi(server.baseUrl, 'POST', `/api/approvals/${request.id}/decision`, { body: { outcome: 'yes', extra: true } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path)).to.include.members(['body.outcome', 'body']);
    expect((await store.get(request.id))?.decision).to.equal(undefined);

    const decided = await callApi(server.baseUrl, 'POST', `/api/approvals/${request.id}/decision`, {
      body: { outcome: 'approved', comment: 'looks right' },
      headers: { 'x-orch-operator': 'gina', 'x-orch-client': 'gui' },
    });
    expect(decided.status).to.equal(200);
    expect(decided.body.approval.decision).to.include({ outcome: 'approved', operator: 'gina', comment: 'looks right', via: 'gui' });
    const event = resolvedEvents().find((e) => e.approvalId === request.id);
    expect(event).to.include({ operator: 'gina', via: 'gui', outcome: 'approved' });

    const again = await callApi(server.baseUrl, 'POST', `/api/approvals/${request.id}/decision`, { body: { outcome: 'rejected', operator: 'hank' } });
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('conflict');
    expect(again.body.error.message).to.contain('already decided by gina at');
    const all = await callApi(server.baseUrl, 'GET', '/api/approvals?all=true&runId=run-rest');
    expect(all.body.approvals).to.have.length(1);
    expect(all.body.approvals[0].decision.operator).to.equal('gina');

    const named = await store.request(sampleRequest({ runId: 'run-rest', key: 'second' }));
    const byBody = await callApi(server.baseUrl, 'POST', `/api/approvals/${named.id}/decision`, { body: { outcome: 'rejected', operator: 'ivy' } });
    expect(byBody.body.approval.decision).to.include({ operator: 'ivy', via: 'api', outcome: 'rejected' });
  });

  it('the CLI goes through the live server and says so; its decision is published by the server at once', async () => {
    const request = await store.request(sampleRequest({ runId: 'run-cli', key: 'gate', title: 'Rotate the keys' }));
    const list = await runOrch(server.home.dir, ['approvals:list']);
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stderr).to.contain(`through the Orch server at ${server.baseUrl}`);
    expect(list.stdout).to.contain(request.id).and.contain('Rotate the keys').and.contain('run-cli');

    const approve = await runOrch(server.home.dir, ['approvals:approve', request.id, '--comment', 'approved from the terminal']);
    expect(approve.code, approve.stderr).to.equal(0);
    expect(approve.stdout).to.contain(`Approved ${request.id}`).and.contain('resumes the run now');
    // Published in the server's own process by the request itself — no file watching involved.
    const event = resolvedEvents().find((e) => e.approvalId === request.id);
    expect(event).to.include({ operator: 'cli-user', via: 'cli' });

    const twice = await runOrch(server.home.dir, ['approvals:reject', request.id.slice(0, 8), '--json']);
    expect(twice.code).to.equal(1);
    const body = JSON.parse(twice.stdout);
    expect(body.error.code).to.equal('conflict');
    expect(body.error.message).to.contain('already decided by cli-user');
  });

  it('a server started without the approvals plugin sends the CLI back to the files, and it says so', async () => {
    const bare = await startTestServer({ packages: [], plugins: ['core'] });
    try {
      const writer = await bare.home.boot({ only: ['approvals'] });
      await writer.start();
      const request = await writer.get<ApprovalStore>(ApprovalStore).request(sampleRequest());
      await writer.stop();
      const approve = await runOrch(bare.home.dir, ['approvals:approve', request.id]);
      expect(approve.code, approve.stderr).to.equal(0);
      expect(approve.stderr).to.contain('runs without the approvals plugin — working on state/approvals/ directly instead');
      expect(approve.stdout).to.contain(`Approved ${request.id}`).and.contain('Recorded in state/approvals/completed.json');
    } finally {
      await bare.stop();
      await bare.home.cleanup();
    }
  });
});

import { expect } from 'chai';
import { type OrchEvent } from '../../kernel/index.js';
import { ApprovalStore } from '../../plugins/approvals/api/index.js';
import { sampleRequest } from '../support/approvals-helpers.js';
import { OrchEventSchema } from '../support/event-schemas.js';
import { callApi, startTestServer, type TestServer } from '../support/server-harness.js';

describe('Approvals over REST: history pages, 403 for a non-approver, what approval.requested carries', function () {
  this.timeout(60_000);
  let server: TestServer;
  let store: ApprovalStore;
  const events: OrchEvent[] = [];

  before(async () => {
    server = await startTestServer({ packages: [], plugins: ['core', 'approvals'] });
    store = server.kernel.get<ApprovalStore>(ApprovalStore);
    server.kernel.bus.subscribe((event) => events.push(event));
  });
  after(async () => {
    await server?.stop();
    await server?.home.cleanup();
  });

  it('announces a request with its prompt, plan, approvers and expiry', async () => {
    const request = await store.request(sampleRequest({ runId: 'run-ann', key: 'gate', planId: 'release', approvers: ['ann', 'bo'], timeoutMs: 3_600_000, onTimeout: 'escalate' }));
    const event = events.find((e) => e.type === 'approval.requested' && e.approvalId === request.id)!;
    OrchEventSchema.parse(event);
    expect(event).to.deep.include({ planId: 'release', prompt: 'Ship build 42 to production?', approvers: ['ann', 'bo'], expiresAt: request.expiresAt });

    const plain = await store.request(sampleRequest({ runId: 'run-ann', key: 'plain' }));
    const second = events.find((e) => e.type === 'approval.requested' && e.approvalId === plain.id)!;
    OrchEventSchema.parse(second);
    expect(second).to.not.have.any.keys('approvers', 'expiresAt');
  });

  it('answers 403 forbidden when the operator is not among the approvers, and changes nothing', async () => {
    const request = await store.request(sampleRequest({ runId: 'run-403', key: 'gate', approvers: ['ann'] }));
    const refused = await callApi(server.baseUrl, 'POST', `/api/approvals/${request.id}/decision`, { body: { outcome: 'approved' }, headers: { 'x-orch-operator': 'mallory' } });
    expect(refused.status, refused.text).to.equal(403);
    expect(refused.body.error.code).to.equal('forbidden');
    expect(refused.body.error.message).to.contain('mallory may not decide').and.contain('ann');
    expect((await store.get(request.id))?.decision).to.equal(undefined);
    const allowed = await callApi(server.baseUrl, 'POST', `/api/approvals/${request.id}/decision`, { body: { outcome: 'approved' }, headers: { 'x-orch-operator': 'ann' } });
    expect(allowed.status, allowed.text).to.equal(200);
  });

  it('pages the settled approvals newest first with a cursor: each exactly once, filters by run, plan, outcome and operator', async () => {
    const decided: string[] = [];
    for (let i = 0; i < 7; i++) {
      const request = await store.request(sampleRequest({ runId: `run-h${i % 2}`, key: `k${i}`, planId: i < 5 ? 'alpha' : 'beta' }));
      const reply = await callApi(server.baseUrl, 'POST', `/api/approvals/${request.id}/decision`, {
        body: { outcome: i % 3 === 0 ? 'rejected' : 'approved' },
        headers: { 'x-orch-operator': i % 2 ? 'cy' : 'di' },
      });
      expect(reply.status, reply.text).to.equal(200);
      decided.push(request.id);
    }
    const stillPending = await store.request(sampleRequest({ runId: 'run-h0', key: 'open' }));

    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const path: string = `/api/approvals/history?limit=3&runId=run-h0${before ? `&before=${encodeURIComponent(before)}` : ''}`;
      const page = await callApi(server.baseUrl, 'GET', path);
      expect(page.status, page.text).to.equal(200);
      for (const approval of page.body.approvals) {
        expect(approval).to.not.have.property('context');
        expect(approval.outcome).to.equal(approval.decision.outcome);
        expect(approval.settledAt).to.equal(approval.decision.decidedAt);
      }
      seen.push(...page.body.approvals.map((a: { id: string }) => a.id));
      before = page.body.nextCursor;
      // A decision taken between two pages is newer than the cursor: it does not shift the pages.
      if (pages === 0) {
        const late = await store.request(sampleRequest({ runId: 'run-h0', key: 'late' }));
        await store.decide(late.id, { outcome: 'approved', operator: 'di', comment: '', via: 'api' });
      }
      pages++;
    } while (before);
    const runH0 = decided.filter((_, i) => i % 2 === 0);
    expect(pages).to.equal(2);
    expect(seen).to.have.length(runH0.length);
    expect([...seen].sort()).to.deep.equal([...runH0].sort());
    expect(seen).to.not.include(stillPending.id);

    const all = (await callApi(server.baseUrl, 'GET', '/api/approvals/history?limit=500')).body;
    const settled = all.approvals.map((a: { settledAt: string }) => a.settledAt);
    expect(settled).to.deep.equal([...settled].sort().reverse());
    expect(all.nextCursor).to.equal(null);

    const rejected = (await callApi(server.baseUrl, 'GET', '/api/approvals/history?outcome=rejected&planId=alpha')).body.approvals;
    expect(rejected.map((a: { id: string }) => a.id).sort()).to.deep.equal([decided[0], decided[3]].sort());
    const byCy = (await callApi(server.baseUrl, 'GET', '/api/approvals/history?operator=cy&planId=beta')).body.approvals;
    expect(byCy.map((a: { id: string }) => a.id)).to.deep.equal([decided[5]]);

    const bad = await callApi(server.baseUrl, 'GET', '/api/approvals/history?before=nope');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.contain('query.before');
  });
});

import { expect } from 'chai';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isOrchError, type OrchError, type OrchEvent } from '../../kernel/index.js';
import { ApprovalStore } from '../../plugins/approvals/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { FileApprovalStore } from '../../plugins/approvals/file-approval-store.js';
import { sampleRequest } from '../support/approvals-helpers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

async function caught(promise: Promise<unknown>): Promise<OrchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isOrchError(error), `expected an OrchError, got ${String(error)}`).to.equal(true);
  return error as OrchError;
}

describe('Approval store (state/approvals/pending.json + completed.json)', () => {
  let home: TestHome;
  let kernel: Kernel;
  let store: FileApprovalStore;
  let events: OrchEvent[];
  let pendingFile: string;
  let completedFile: string;

  beforeEach(async () => {
    home = await createTestHome();
    kernel = await home.boot({ only: ['approvals'] });
    await kernel.start();
    store = kernel.get<FileApprovalStore>(ApprovalStore);
    events = [];
    kernel.bus.subscribe((event) => events.push(event));
    pendingFile = join(home.dir, 'state', 'approvals', 'pending.json');
    completedFile = join(home.dir, 'state', 'approvals', 'completed.json');
  });
  afterEach(() => home.cleanup());

  const auditLines = async (): Promise<Record<string, unknown>[]> =>
    (await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.category === 'audit');

  it('creates a request once per (runId, key), writes it newline-terminated and announces it once', async () => {
    const first = await store.request(sampleRequest());
    const again = await store.request(sampleRequest({ title: 'a different title this time' }));
    expect(again.id).to.equal(first.id);
    expect(first.id).to.match(/^apr_[0-9a-f]{10}$/);
    expect(first.onTimeout).to.equal('reject');
    const text = await readFile(pendingFile, 'utf8');
    expect(text.endsWith('}\n')).to.equal(true);
    expect(JSON.parse(text).approvals).to.have.length(1);
    expect(events.filter((e) => e.type === 'approval.requested')).to.have.length(1);
    expect(events[0]).to.include({ type: 'approval.requested', approvalId: first.id, runId: 'run-1', nodeId: 'deploy', riskLevel: 'high' });

    const loopSecond = await store.request(sampleRequest({ key: 'deploy@1' }));
    expect(loopSecond.id).to.not.equal(first.id);
    expect(await store.list()).to.have.length(2);
  });

  it('redacts secrets in the context preview and cuts a huge one', async () => {
    const record = await store.request(sampleRequest());
    expect(JSON.stringify(record.context)).to.not.contain('secret-token-value');
    expect(await readFile(pendingFile, 'utf8')).to.not.contain('secret-token-value');
    const huge = await store.request(sampleRequest({ key: 'huge', context: { text: 'x'.repeat(50_000) } }));
    expect((huge.context as { text: string }).text).to.match(/^x{20000}… \[30000 more characters not stored\]$/);
    expect((await readFile(pendingFile, 'utf8')).length).to.be.lessThan(25_000);
    const many = await store.request(sampleRequest({ key: 'many', context: { a: 'y'.repeat(40_000), b: 'z'.repeat(40_000), c: 'w'.repeat(40_000), d: 'v'.repeat(40_000) } }));
    expect(many.context).to.deep.include({ truncated: true });
    expect((await readFile(pendingFile, 'utf8')).length).to.be.lessThan(100_000);
  });

  it('moves a decided request to completed.json exactly once, announces and audits it', async () => {
    const request = await store.request(sampleRequest());
    const decided = await store.decide(request.id, { outcome: 'approved', operator: 'alice', comment: 'window confirmed', via: 'cli' });
    expect(decided.decision).to.include({ outcome: 'approved', operator: 'alice', comment: 'window confirmed', via: 'cli' });
    expect(JSON.parse(await readFile(pendingFile, 'utf8')).approvals).to.deep.equal([]);
    const completed = JSON.parse(await readFile(completedFile, 'utf8')).approvals;
    expect(completed).to.have.length(1);
    expect(completed[0].id).to.equal(request.id);
    expect((await readFile(completedFile, 'utf8')).endsWith('\n')).to.equal(true);

    const resolved = events.filter((e) => e.type === 'approval.resolved');
    expect(resolved).to.have.length(1);
    expect(resolved[0]).to.include({ approvalId: request.id, outcome: 'approved', operator: 'alice', via: 'cli', runId: 'run-1', nodeId: 'deploy' });

    const audit = await auditLines();
    const requestedLine = audit.find((l) => l.action === 'approval.requested');
    const decidedLine = audit.find((l) => l.action === 'approval.decided');
    expect(requestedLine).to.include({ approvalId: request.id, runId: 'run-1', nodeId: 'deploy', riskLevel: 'high', operator: 'planner' });
    expect(decidedLine).to.include({ approvalId: request.id, runId: 'run-1', nodeId: 'deploy', riskLevel: 'high', operator: 'alice', comment: 'window confirmed', outcome: 'approved', via: 'cli' });
    expect(decidedLine!.time).to.be.a('string');

    // the same (runId, key) now answers with the decision: a resumed run gets it without pausing again
    const asked = await store.request(sampleRequest());
    expect(asked.id).to.equal(request.id);
    expect(asked.decision?.operator).to.equal('alice');
  });

  it('refuses a second decision with who decided it and when, changing nothing', async () => {
    const request = await store.request(sampleRequest());
    const first = await store.decide(request.id, { outcome: 'rejected', operator: 'bob', comment: 'freeze', via: 'gui' });
    const pendingBefore = await readFile(pendingFile, 'utf8');
    const completedBefore = await readFile(completedFile, 'utf8');
    const error = await caught(store.decide(request.id, { outcome: 'approved', operator: 'alice', comment: '', via: 'cli' }));
    expect(error.code).to.equal('conflict');
    expect(error.message).to.contain(`already decided by bob at ${first.decision!.decidedAt}`);
    expect(await readFile(pendingFile, 'utf8')).to.equal(pendingBefore);
    expect(await readFile(completedFile, 'utf8')).to.equal(completedBefore);
    expect(events.filter((e) => e.type === 'approval.resolved')).to.have.length(1);
  });

  it('finds approvals by unique prefix; unknown ids are not_found, ambiguous prefixes are named', async () => {
    const request = await store.request(sampleRequest());
    expect((await store.find(request.id.slice(0, 8)))?.id).to.equal(request.id);
    expect((await store.find(request.id.slice(4, 10)))?.id).to.equal(request.id);
    expect(await store.find('apr_')).to.equal(undefined);
    expect((await caught(store.decide('apr_0000000000', { outcome: 'approved', operator: 'a', comment: '', via: 'cli' }))).code).to.equal('not_found');
    const decided = await store.decide(request.id.slice(0, 9), { outcome: 'approved', operator: 'a', comment: '', via: 'cli' });
    expect(decided.id).to.equal(request.id);
  });

  it('enforces the approvers of a request, except for the expiry rule', async () => {
    const request = await store.request(sampleRequest({ approvers: ['alice', 'carol'] }));
    const error = await caught(store.decide(request.id, { outcome: 'approved', operator: 'mallory', comment: '', via: 'api' }));
    expect(error.code).to.equal('forbidden');
    expect(error.message).to.contain('mallory may not decide').and.contain('alice, carol');
    expect(await store.list()).to.have.length(1);
    await store.decide(request.id, { outcome: 'approved', operator: 'carol', comment: '', via: 'api' });
  });

  it('rejects invalid requests and decisions with the field named', async () => {
    const bad = await caught(store.request({ ...sampleRequest(), riskLevel: 'extreme' as never }));
    expect(bad.code).to.equal('invalid_input');
    expect(bad.message).to.contain('riskLevel');
    const request = await store.request(sampleRequest());
    const noOperator = await caught(store.decide(request.id, { outcome: 'approved', operator: '', comment: '', via: 'cli' }));
    expect(noOperator.message).to.contain('operator');
  });

  for (const [label, content, field] of [
    ['not JSON', '{ "approvals": [ {"id": ', 'not valid JSON'],
    ['a record with a bad field', '{"approvals":[{"id":"apr_1","runId":"r","nodeId":"n","planId":"p","planVersion":1,"key":"n","title":"t","prompt":"p","riskLevel":"extreme","requestedAt":"x","requestedBy":"y"}]}\n', 'approvals.0.riskLevel'],
  ] as const) {
    it(`a malformed pending.json (${label}) is a clear error naming the file and leaves both files untouched`, async () => {
      const request = await store.request(sampleRequest({ key: 'other', nodeId: 'other' }));
      await store.decide(request.id, { outcome: 'approved', operator: 'a', comment: '', via: 'cli' });
      const completedBefore = await readFile(completedFile);
      await writeFile(pendingFile, content);
      for (const attempt of [
        () => store.request(sampleRequest()),
        () => store.decide('apr_1', { outcome: 'approved', operator: 'a', comment: '', via: 'cli' }),
        () => store.list(),
        () => store.expireDue({ now: new Date(Date.now() + 1e9) }),
      ]) {
        const error = await caught(attempt());
        expect(error.code).to.equal('invalid_input');
        expect(error.message).to.contain(pendingFile).and.contain(field).and.contain('nothing was changed');
      }
      expect(await readFile(pendingFile, 'utf8')).to.equal(content); // byte for byte
      expect((await readFile(completedFile)).equals(completedBefore)).to.equal(true);
      expect(events.filter((e) => e.type === 'approval.requested')).to.have.length(1);
    });
  }

  it('a record left in both files by a crash between the two writes counts as decided and is cleaned up by the next write', async () => {
    const request = await store.request(sampleRequest());
    const decided = await store.decide(request.id, { outcome: 'approved', operator: 'alice', comment: '', via: 'cli' });
    // Simulate the crash: pending.json still holds the record that completed.json already has.
    const { decision: _decision, ...undecided } = decided;
    await writeFile(pendingFile, `${JSON.stringify({ approvals: [undecided] }, null, 2)}\n`);
    expect(await store.list()).to.deep.equal([]);
    expect((await store.get(request.id))?.decision?.operator).to.equal('alice');
    expect((await caught(store.decide(request.id, { outcome: 'rejected', operator: 'bob', comment: '', via: 'cli' }))).code).to.equal('conflict');
    await store.request(sampleRequest({ key: 'next' }));
    const pending = JSON.parse(await readFile(pendingFile, 'utf8')).approvals as { id: string }[];
    expect(pending.map((r) => r.id)).to.not.include(request.id);
  });

  describe('expiry (stored expiresAt, settled by whoever comes first)', () => {
    it('stores expiresAt from timeoutMs and settles onTimeout reject/approve as system via timeout', async () => {
      const rejecting = await store.request(sampleRequest({ key: 'a', timeoutMs: 60_000 }));
      const approving = await store.request(sampleRequest({ key: 'b', timeoutMs: 60_000, onTimeout: 'approve' }));
      const later = await store.request(sampleRequest({ key: 'c', timeoutMs: 3_600_000 }));
      expect(Date.parse(rejecting.expiresAt!) - Date.parse(rejecting.requestedAt)).to.equal(60_000);
      expect(await store.expireDue()).to.deep.equal([]);
      const settled = await store.expireDue({ now: new Date(Date.now() + 120_000) });
      expect(settled.map((r) => r.id).sort()).to.deep.equal([rejecting.id, approving.id].sort());
      const rejected = await store.get(rejecting.id);
      expect(rejected?.decision).to.include({ outcome: 'rejected', operator: 'system', via: 'timeout' });
      expect((await store.get(approving.id))?.decision).to.include({ outcome: 'approved', operator: 'system', via: 'timeout' });
      expect((await store.list()).map((r) => r.id)).to.deep.equal([later.id]);
      const resolved = events.filter((e) => e.type === 'approval.resolved');
      expect(resolved.map((e) => (e as { via: string }).via)).to.deep.equal(['timeout', 'timeout']);
      const audit = (await auditLines()).filter((l) => l.action === 'approval.decided');
      expect(audit.map((l) => l.operator)).to.deep.equal(['system', 'system']);
    });

    it('escalate keeps the request pending, marks it once, warns and publishes approval.escalated', async () => {
      const request = await store.request(sampleRequest({ expiresAt: new Date(Date.now() - 1000).toISOString(), onTimeout: 'escalate' }));
      const [escalated] = await store.expireDue();
      expect(escalated?.escalatedAt).to.be.a('string');
      expect(await store.expireDue()).to.deep.equal([]);
      expect((await store.list())[0]?.escalatedAt).to.equal(escalated!.escalatedAt);
      expect(events.filter((e) => e.type === 'approval.escalated')).to.have.length(1);
      const warn = (await auditLines()).find((l) => l.action === 'approval.escalated');
      expect(warn).to.include({ level: 'warn', approvalId: request.id });
      // a person can still decide an escalated request
      const decided = await store.decide(request.id, { outcome: 'approved', operator: 'oncall', comment: 'late but fine', via: 'cli' });
      expect(decided.decision?.operator).to.equal('oncall');
    });

    it('a request asked again after its expiry (run:resume after a restart) comes back settled', async () => {
      const request = await store.request(sampleRequest({ expiresAt: new Date(Date.now() - 1000).toISOString() }));
      const again = await store.request(sampleRequest());
      expect(again.id).to.equal(request.id);
      expect(again.decision).to.include({ outcome: 'rejected', operator: 'system', via: 'timeout' });
      expect(events.filter((e) => e.type === 'approval.resolved')).to.have.length(1);
    });

    it('a person deciding after the expiry gets the timeout decision as a conflict', async () => {
      const request = await store.request(sampleRequest({ expiresAt: new Date(Date.now() - 1000).toISOString(), onTimeout: 'reject' }));
      const error = await caught(store.decide(request.id, { outcome: 'approved', operator: 'alice', comment: '', via: 'cli' }));
      expect(error.code).to.equal('conflict');
      expect(error.message).to.contain('already decided by system');
      expect((await store.get(request.id))?.decision?.via).to.equal('timeout');
    });
  });

  it('the folder holds only the two files and no lock or temp file afterwards', async () => {
    const request = await store.request(sampleRequest());
    await store.decide(request.id, { outcome: 'approved', operator: 'a', comment: '', via: 'cli' });
    expect((await readdir(join(home.dir, 'state', 'approvals'))).sort()).to.deep.equal(['completed.json', 'pending.json']);
  });
});

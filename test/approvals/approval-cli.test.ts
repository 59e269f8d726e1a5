import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApprovalStore, type ApprovalRecord } from '../../plugins/approvals/api/index.js';
import { runOrch, sampleRequest } from '../support/approvals-helpers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

/** The approvals:* commands as a user runs them with no Orch server: straight on state/approvals/. */
describe('approvals:* commands without a server (on the files, under the lock)', function () {
  this.timeout(180_000);
  let home: TestHome;
  let deploy: ApprovalRecord;
  let cleanup: ApprovalRecord;

  before(async () => {
    home = await createTestHome();
    const kernel = await home.boot({ only: ['approvals'] });
    await kernel.start();
    const store = kernel.get<ApprovalStore>(ApprovalStore);
    deploy = await store.request(sampleRequest({ runId: 'run-a', approvers: ['bob'], timeoutMs: 3_600_000, onTimeout: 'escalate' }));
    cleanup = await store.request(sampleRequest({ runId: 'run-b', nodeId: 'cleanup', key: 'cleanup@2', title: 'Delete old backups', riskLevel: 'critical' }));
    await kernel.stop();
  });
  after(() => home.cleanup());

  it('--help of each command explains its arguments', async () => {
    const help = await runOrch(home.dir, ['approvals:reject', '--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain('approvals:reject <id>').and.contain('--comment').and.contain('rejected by <operator>');
  });

  it('lists what waits, says it works on the files, and shows one approval in full', async () => {
    const list = await runOrch(home.dir, ['approvals:list']);
    expect(list.code, list.stderr).to.equal(0);
    expect(list.stderr).to.contain('no Orch server running — working on state/approvals/ directly');
    expect(list.stdout).to.match(/ID\s+RUN\s+NODE\s+RISK\s+REQUESTED\s+STATUS\s+TITLE/);
    expect(list.stdout).to.contain(deploy.id).and.contain(cleanup.id).and.contain('expires in 60m').and.contain('2 pending');

    const show = await runOrch(home.dir, ['approvals:show', cleanup.id.slice(4, 10)]);
    expect(show.code, show.stderr).to.equal(0);
    expect(show.stdout).to.contain(`Approval ${cleanup.id}`).and.contain('Delete old backups').and.contain('cleanup (key cleanup@2)');
    expect(show.stdout).to.contain('[REDACTED]').and.not.contain('secret-token-value');
    expect(show.stdout).to.contain(`orch approvals:approve ${cleanup.id}`);
  });

  it('refuses an operator the approval does not name, then records the decision of one it does', async () => {
    const refused = await runOrch(home.dir, ['approvals:approve', deploy.id, '--operator', 'mallory']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('mallory may not decide').and.contain('approvers are bob');

    const approved = await runOrch(home.dir, ['approvals:approve', deploy.id, '-m', 'canary green', '--operator', 'bob', '--json']);
    expect(approved.code, approved.stderr).to.equal(0);
    const body = JSON.parse(approved.stdout);
    expect(body.via).to.equal('files');
    expect(body.approval.decision).to.include({ outcome: 'approved', operator: 'bob', comment: 'canary green', via: 'cli' });
    const completed = JSON.parse(await readFile(join(home.dir, 'state', 'approvals', 'completed.json'), 'utf8'));
    expect(completed.approvals.map((r: { id: string }) => r.id)).to.deep.equal([deploy.id]);
    const audit = (await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.action === 'approval.decided');
    expect(audit).to.include({ category: 'audit', operator: 'bob', runId: 'run-a', nodeId: 'deploy', riskLevel: 'high', comment: 'canary green' });
  });

  it('a second decision fails with who decided and when, exit code 1', async () => {
    const again = await runOrch(home.dir, ['approvals:reject', deploy.id, '--operator', 'bob']);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/Error: Approval apr_\w+ was already decided by bob at \d{4}-\d\d-\d\dT[\d:.]+Z \(approved via cli\); nothing was changed/);
  });

  it('a malformed pending.json is a clear error naming the file and field, and the file is left byte for byte', async () => {
    const pendingFile = join(home.dir, 'state', 'approvals', 'pending.json');
    const good = await readFile(pendingFile, 'utf8');
    const broken = good.replace('"critical"', '"severe"');
    await writeFile(pendingFile, broken);
    const reject = await runOrch(home.dir, ['approvals:reject', cleanup.id, '--comment', 'no']);
    expect(reject.code).to.equal(1);
    expect(reject.stderr).to.contain(pendingFile).and.contain('approvals.0.riskLevel').and.contain('nothing was changed');
    expect(reject.stderr).to.not.match(/\bat .+\.(ts|js):\d+/); // no stack trace
    expect(await readFile(pendingFile, 'utf8')).to.equal(broken);
    await writeFile(pendingFile, good);
  });
});

import { expect } from 'chai';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApprovalStore } from '../../plugins/approvals/api/index.js';
import { createExecutorHome, planOf, task, type ExecutorHome, type ExecutorKernel } from '../support/executor-home.js';

const approval = (id: string) => ({ id, type: 'human_approval', title: `Approve ${id}`, prompt: `May ${id} go ahead?` });

/** Issue 12 §5: when the approval files cannot be used, a run stops `blocked` (resumable), never `failed`. */
describe('executor: approval state that cannot be used blocks the run', function () {
  this.timeout(120_000);
  let home: ExecutorHome;
  let ex: ExecutorKernel;
  let store: ApprovalStore;
  let approvalsDir: string;

  before(async () => {
    home = await createExecutorHome();
    ex = await home.bootExecutor({ plugins: ['approvals'] });
    store = ex.kernel.get<ApprovalStore>(ApprovalStore);
    approvalsDir = join(home.dir, 'state', 'approvals');
  });
  after(() => home.cleanup());

  it('a truncated pending.json blocks the run, leaves the file as it was, and the run completes once it is repaired', async () => {
    await mkdir(approvalsDir, { recursive: true });
    const damaged = '{"approvals":[{"id":"apr_';
    await writeFile(join(approvalsDir, 'pending.json'), damaged);
    const record = await ex.runs.start({ document: planOf('damaged-pending', { id: 'main', type: 'sequence', children: [task('before', 'noop'), approval('signoff'), task('after', 'noop')] }) }, { operator: 'tester' });
    expect(record.status, record.error).to.equal('blocked');
    expect(record.error).to.contain('pending.json').and.contain('run:resume');
    expect(record.nodes.after?.status).not.to.equal('succeeded');
    expect(await readFile(join(approvalsDir, 'pending.json'), 'utf8')).to.equal(damaged);
    expect((await home.readRecord(record.runId)).status).to.equal('blocked');

    await writeFile(join(approvalsDir, 'pending.json'), '{"approvals":[]}\n');
    const waiting = await ex.runs.resume(record.runId, { operator: 'tester' });
    expect(waiting.status, waiting.error).to.equal('waiting_approval');
    const [request] = await store.list({ runId: record.runId });
    await store.decide(request!.id, { outcome: 'approved', operator: 'alice', comment: 'repaired', via: 'cli' });
    const done = await ex.runs.resume(record.runId, { operator: 'tester' });
    expect(done.status, done.error).to.equal('completed');
    expect(done.nodes.after!.status).to.equal('succeeded');
  });
});

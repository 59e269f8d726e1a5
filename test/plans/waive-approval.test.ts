import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toFieldIssues } from '../../kernel/index.js';
import { NodeAdapterRegistry, type PlanSchemas } from '../../plugins/plans/api/index.js';
import { runOrch } from '../support/server-process.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

/** Issue 12 §7: `waiveApproval` is a reason a person can check — some words, never "ok". */
describe('plans: waiveApproval needs a reason of some words', function () {
  this.timeout(120_000);
  let home: TestHome;
  let document: PlanSchemas['document'];
  before(async () => {
    home = await createTestHome();
    const kernel = await home.boot({ role: 'cli' });
    await kernel.start();
    document = kernel.get<NodeAdapterRegistry>(NodeAdapterRegistry).schemas.document;
  });
  after(() => home.cleanup());

  const plan = (waiveApproval: string) => ({
    id: 'waive',
    name: 'Waive',
    goal: 'run a script unattended',
    root: { id: 'count', type: 'local_task', kind: 'script', waiveApproval, params: { command: ['wc', '-l', 'notes.txt'] } },
  });

  for (const reason of ['ok', 'yes', 'safe', 'read-only', 'n/a', '          ', 'ok ok', '1 2 3 4 5 6']) {
    it(`refuses ${JSON.stringify(reason)}, naming the field`, () => {
      const parsed = document.safeParse(plan(reason));
      expect(parsed.success).to.equal(false);
      const issues = toFieldIssues(parsed.error!);
      expect(issues.map((i) => i.path)).to.include('root.waiveApproval');
      expect(issues.find((i) => i.path === 'root.waiveApproval')!.message).to.contain('in a few words');
    });
  }

  it('accepts a reason of some words', () => {
    expect(document.safeParse(plan('read-only word count of a file this plan wrote')).success).to.equal(true);
    expect(document.safeParse(plan('test fixture')).success).to.equal(true);
  });

  it('orch plan:dry-run refuses "ok" with file and field', async () => {
    const file = join(home.dir, 'waive.json');
    await writeFile(file, `${JSON.stringify(plan('ok'))}\n`);
    const result = await runOrch(['plan:dry-run', file, '--home', home.dir]);
    expect(result.code).to.not.equal(0);
    expect(result.stdout + result.stderr).to.contain('waiveApproval').and.contain('in a few words');
  });
});

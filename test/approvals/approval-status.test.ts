import { expect } from 'chai';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runOrch } from '../support/approvals-helpers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

/** `orch status` with a damaged approvals file names the file and the field, not a missing plugin. */
describe('orch status with a malformed pending.json', function () {
  this.timeout(60_000);
  let home: TestHome;

  before(async () => {
    home = await createTestHome();
    await mkdir(join(home.dir, 'state', 'approvals'), { recursive: true });
    await writeFile(join(home.dir, 'state', 'approvals', 'pending.json'), '{"approvals":[{"id":"apr_1","runId":"r","riskLevel":"extreme"}]}\n');
  });
  after(() => home.cleanup());

  it('says the file is invalid, with file and field', async () => {
    const status = await runOrch(home.dir, ['status']);
    expect(status.code, status.stderr).to.equal(0);
    const line = status.stdout.split('\n').find((l) => l.startsWith('Approvals'))!;
    expect(line).to.contain('could not be read').and.contain(join('state', 'approvals', 'pending.json')).and.contain('is invalid: approvals.0.');
    expect(status.stdout).to.not.contain('approvals plugin is not loaded');
    expect(status.stdout).to.match(/Problem +approvals: .*pending\.json is invalid: .*approvals\.0\.riskLevel/);
  });
});

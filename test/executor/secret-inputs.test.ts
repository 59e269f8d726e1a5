import { expect } from 'chai';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ApprovalStore } from '../../plugins/approvals/api/index.js';
import { RunService, type RunRecord } from '../../plugins/executor/api/index.js';
import { orchCli } from '../support/adapters-cli.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const SECRET = 'S3cr3t-Value-42-xyz';

/** Every file under `dir` (recursively), except the folders named. */
async function filesUnder(dir: string, except: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (except.includes(full)) continue;
    if (entry.isDirectory()) out.push(...(await filesUnder(full, except)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** Issue 12 §7: run inputs declared `secret` never reach a run record, a checkpoint, an approval or the log. */
describe('executor: secret inputs', function () {
  this.timeout(180_000);
  let home: TestHome;

  before(async () => {
    home = await createTestHome();
  });
  after(() => home.cleanup());

  const plan = {
    id: 'with-secret',
    name: 'With a secret',
    goal: 'use a token without storing it',
    inputs: { token: { type: 'string', required: true, secret: true }, day: { type: 'string' } },
    root: {
      id: 'main',
      type: 'sequence',
      children: [
        { id: 'first', type: 'local_task', kind: 'file', params: { op: 'write', path: 'first.txt', content: '{{ input.token }}|{{ input.day }}' } },
        { id: 'gate', type: 'local_task', kind: 'file', requiresApproval: true, params: { op: 'write', path: 'gated.txt', content: 'token={{ input.token }}' } },
        { id: 'last', type: 'local_task', kind: 'file', params: { op: 'append', path: 'last.txt', content: '{{ input.token }}' } },
      ],
    },
  };

  async function leaks(): Promise<string[]> {
    const found: string[] = [];
    for (const file of await filesUnder(home.dir, [join(home.dir, 'workspace'), join(home.dir, 'state', 'secrets'), join(home.dir, 'backups')])) {
      if ((await readFile(file, 'utf8').catch(() => '')).includes(SECRET)) found.push(file);
    }
    return found;
  }

  it('the nodes get the value; records, checkpoints, approvals and the log never hold it; a resume in another process still has it', async () => {
    const kernel = await home.boot({ only: ['executor', 'adapters-local', 'approvals'] });
    await kernel.start();
    const runs = kernel.get<RunService>(RunService);
    const started = await runs.start({ document: plan }, { operator: 'tester', inputs: { token: SECRET, day: 'mon' } });
    expect(started.status, started.error).to.equal('waiting_approval');
    expect(started.inputs).to.deep.equal({ token: '[secret]', day: 'mon' });
    expect(await readFile(join(home.dir, 'workspace', 'first.txt'), 'utf8')).to.equal(`${SECRET}|mon`);

    const kept = join(home.dir, 'state', 'secrets', `${started.runId}.json`);
    expect((await stat(kept)).mode & 0o777).to.equal(0o600);
    const [request] = await kernel.get<ApprovalStore>(ApprovalStore).list({ runId: started.runId });
    expect(JSON.stringify(request)).not.to.contain(SECRET);
    expect(JSON.stringify(request)).to.contain('[REDACTED]');
    await kernel.stop();
    expect(await leaks()).to.deep.equal([]);

    // A backup taken while the run waits leaves the secrets file out.
    const backup = await orchCli(home.dir, ['state:backup', '--to', join(home.dir, 'backups'), '--json']);
    expect(backup.code, backup.stderr).to.equal(0);
    for (const name of await readdir(join(home.dir, 'backups'))) {
      const packed = gunzipSync(await readFile(join(home.dir, 'backups', name)));
      expect(packed.includes(SECRET), name).to.equal(false);
      expect(packed.includes('state/secrets/'), name).to.equal(false);
    }

    // Another process decides and resumes: it reads the secret from the run's own file.
    const approve = await orchCli(home.dir, ['approvals:approve', request!.id, '--comment', 'go on']);
    expect(approve.code, approve.stderr).to.equal(0);
    const resumed = await orchCli(home.dir, ['run:resume', started.runId, '--json']);
    const record = JSON.parse(resumed.stdout) as RunRecord;
    expect(record.status, resumed.stderr).to.equal('completed');
    expect(resumed.stdout + resumed.stderr).not.to.contain(SECRET);
    expect(await readFile(join(home.dir, 'workspace', 'gated.txt'), 'utf8')).to.equal(`token=${SECRET}`);
    expect(await readFile(join(home.dir, 'workspace', 'last.txt'), 'utf8')).to.equal(SECRET);

    // The run ended: its secrets file is gone, and nothing else ever held the value.
    expect(await stat(kept).catch(() => undefined)).to.equal(undefined);
    expect(await leaks()).to.deep.equal([]);
    const shown = await orchCli(home.dir, ['run:status', started.runId, '--json']);
    expect(shown.stdout).not.to.contain(SECRET);
  });
});

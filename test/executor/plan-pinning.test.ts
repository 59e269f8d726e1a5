import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orchCli } from '../support/adapters-cli.js';

/**
 * Running a plan file pins a stored version by the plans plugin's one "same content" rule: the
 * version plan:save stored is the one run:auto runs, however often, and an edit adds exactly one.
 */
describe('executor: running a plan file pins the stored version by the same rule as plan:save', function () {
  this.timeout(180_000);
  let home: string;
  const file = () => join(home, 'notes.json');
  // Written without the fields the schema fills in (retry, risk…): the stored version has them.
  const plan = (greeting: string) => ({
    id: 'notes',
    name: 'Notes',
    goal: 'Write a note',
    root: { id: 'write', type: 'local_task', kind: 'file', params: { op: 'write', path: 'note.txt', content: greeting } },
  });

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'orch-pinning-'));
  });
  after(async () => rm(home, { recursive: true, force: true }));

  it('plan:save v1, run:auto twice runs v1; an edited file adds v2 and runs it', async () => {
    await writeFile(file(), `${JSON.stringify(plan('hello'), null, 2)}\n`);
    expect((await orchCli(home, ['plan:save', file()])).code).to.equal(0);
    for (let i = 0; i < 2; i++) {
      const run = await orchCli(home, ['run:auto', file(), '--json']);
      expect(run.code, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout).planVersion ?? JSON.parse(run.stdout).run?.planVersion).to.equal(1);
    }
    const unchanged = await orchCli(home, ['plan:save', file(), '--json']);
    expect(unchanged.stdout).to.contain('"unchanged": true');

    await writeFile(file(), `${JSON.stringify(plan('hello again'), null, 2)}\n`);
    const edited = await orchCli(home, ['run:auto', file(), '--json']);
    expect(JSON.parse(edited.stdout).planVersion ?? JSON.parse(edited.stdout).run?.planVersion).to.equal(2);
    const versions = await orchCli(home, ['plan:versions', 'notes', '--json']);
    expect(JSON.parse(versions.stdout).versions).to.have.length(2);
  });
});

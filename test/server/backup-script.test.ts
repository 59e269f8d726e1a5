import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestHome, type TestHome } from '../support/test-home.js';

const script = fileURLToPath(new URL('../../deploy/orch-backup.sh', import.meta.url));

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('deploy/orch-backup.sh (a wrapper around orch state:backup)', function () {
  this.timeout(30_000);
  let home: TestHome;
  beforeEach(async () => {
    home = await createTestHome();
  });
  afterEach(() => home.cleanup());

  it('packs state, config and agents-config without locks, temp files or the cache, and keeps the newest seven', async () => {
    await mkdir(join(home.dir, 'state', 'approvals', 'pending.json.lock'), { recursive: true });
    await writeFile(join(home.dir, 'state', 'approvals', 'pending.json'), '[]\n');
    await writeFile(join(home.dir, 'state', 'approvals', '.pending.json.123.abcd.tmp'), 'half');
    await mkdir(join(home.dir, 'state', 'cache'), { recursive: true });
    await writeFile(join(home.dir, 'state', 'cache', 'cli-index.json'), '{}\n');
    await writeFile(join(home.dir, 'agents-config', 'summarizer.json'), '{}\n');
    await mkdir(join(home.dir, '.codex'), { recursive: true });
    await writeFile(join(home.dir, '.codex', 'operations-log.md'), '## a flagged node\n');
    const backups = join(home.dir, 'backups');
    await mkdir(backups);
    for (let day = 1; day <= 9; day++) await writeFile(join(backups, `orch-state-2026-01-0${day}.tar.gz`), 'old');

    const result = await run(script, [], { ORCH_HOME: home.dir });
    expect(result.code, result.stderr).to.equal(0);
    const today = new Date();
    const stamp = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    const kept = (await readdir(backups)).filter((name) => name.startsWith('orch-state-')).sort();
    expect(kept).to.have.length(7);
    expect(kept).to.include(`orch-state-${stamp}.tar.gz`);
    expect(kept[0]).to.equal('orch-state-2026-01-04.tar.gz'); // the three oldest went

    const listing = await run('tar', ['-tzf', join(backups, `orch-state-${stamp}.tar.gz`)], {});
    const entries = listing.stdout.split('\n');
    expect(entries).to.include.members(['state/approvals/pending.json', 'agents-config/summarizer.json', '.codex/operations-log.md']);
    expect(listing.stdout).not.to.contain('.lock').and.not.to.contain('.tmp').and.not.to.contain('state/cache');
  });

  it('refuses a folder that is not an Orch home, naming the variable to set', async () => {
    const result = await run(script, [], { ORCH_HOME: join(home.dir, 'workspace') });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain('has no state/ folder').and.contain('ORCH_HOME');
  });
});

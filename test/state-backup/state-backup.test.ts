import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { withFileLock } from '../../kernel/index.js';
import { packTarGz, unpackTarGz } from '../../plugins/state-backup/tar-archive.js';
import { OrchProcess, runOrch } from '../support/server-process.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

/** Every file under `dir` with its content, as paths relative to it. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out[relative(dir, full)] = await readFile(full, 'utf8');
    }
  };
  await walk(dir);
  return out;
}

const today = (): string => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

describe('state-backup: orch state:backup and state:restore', function () {
  this.timeout(120_000);
  let home: TestHome;
  let backups: string;

  beforeEach(async () => {
    home = await createTestHome();
    backups = join(home.dir, 'backups');
    const state = join(home.dir, 'state');
    await mkdir(join(state, 'approvals'), { recursive: true });
    await mkdir(join(state, 'plans', 'release'), { recursive: true });
    await mkdir(join(state, 'runs'), { recursive: true });
    await writeFile(join(state, 'approvals', 'pending.json'), '[]\n');
    await writeFile(join(state, 'approvals', 'completed.json'), '[{"id":"apr_1","outcome":"approved"}]\n');
    await writeFile(join(state, 'plans', 'index.json'), '{"plans":{"release":{"active":1}}}\n');
    await writeFile(join(state, 'plans', 'release', 'v1.json'), '{"id":"release","version":1}\n');
    await writeFile(join(state, 'runs', 'run-1.json'), '{"runId":"run-1","status":"completed"}\n');
    await writeFile(join(home.dir, 'agents-config', 'summarizer.json'), '{"name":"summarizer"}\n');
    await mkdir(join(home.dir, '.codex'), { recursive: true });
    await writeFile(join(home.dir, '.codex', 'operations-log.md'), '## a node handed to a person\n');
    await writeFile(join(home.dir, 'logs', 'app.jsonl'), '{"level":"info"}\n');
  });
  afterEach(() => home.cleanup());

  it('packs state, config, agents-config and .codex without locks, temp files, cache or server.json, verified; keeps seven; logs once a week', async () => {
    const state = join(home.dir, 'state');
    await mkdir(join(state, 'approvals', 'pending.json.lock'), { recursive: true });
    await writeFile(join(state, 'approvals', '.pending.json.orch-1-abcd.tmp'), 'half');
    await mkdir(join(state, 'cache'), { recursive: true });
    await writeFile(join(state, 'cache', 'cli-index.json'), '{}\n');
    await writeFile(join(state, 'server.json'), '{"pid":1}\n');
    await mkdir(backups, { recursive: true });
    for (let day = 1; day <= 9; day++) await writeFile(join(backups, `orch-state-2026-01-0${day}.tar.gz`), 'old');

    const first = await runOrch(['state:backup', '--json', '--home', home.dir]);
    expect(first.code, first.stderr).to.equal(0);
    const report = JSON.parse(first.stdout) as { archive: string; files: number; removed: string[]; logs: { status: string; archive: string } };
    expect(report.archive).to.equal(join(backups, `orch-state-${today()}.tar.gz`));
    expect(report.removed.map((r) => r.split('/').pop())).to.deep.equal(['orch-state-2026-01-03.tar.gz', 'orch-state-2026-01-02.tar.gz', 'orch-state-2026-01-01.tar.gz']);
    expect(report.logs.status).to.equal('written');
    const names = (await readdir(backups)).sort();
    expect(names.filter((n) => n.startsWith('orch-state-'))).to.have.length(7);
    expect(names.filter((n) => n.startsWith('orch-logs-'))).to.have.length(1);

    const entries = unpackTarGz(await readFile(report.archive));
    const paths = entries.map((e) => e.path);
    expect(paths).to.include.members([
      'state/approvals/pending.json',
      'state/approvals/completed.json',
      'state/plans/index.json',
      'state/plans/release/v1.json',
      'state/runs/run-1.json',
      'agents-config/summarizer.json',
      '.codex/operations-log.md',
    ]);
    expect(paths.join('\n')).not.to.match(/\.lock|\.tmp|state\/cache|server\.json/);
    expect(report.files).to.equal(entries.length);

    const second = await runOrch(['state:backup', '--home', home.dir]);
    expect(second.code, second.stderr).to.equal(0);
    expect(second.stdout).to.include(`Wrote ${report.archive}`).and.include('verified').and.include(`Logs of this week are already in ${report.logs.archive}.`);
  });

  it('waits for a writer holding the approvals lock and packs what it wrote, never a half-done update', async () => {
    const pending = join(home.dir, 'state', 'approvals', 'pending.json');
    let released = 0;
    const writer = withFileLock(join(home.dir, 'state', 'approvals', 'approvals'), async () => {
      await writeFile(pending, '[{"id":"apr_half"');
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await writeFile(pending, '[{"id":"apr_2"}]\n');
      released = Date.now();
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const backup = await runOrch(['state:backup', '--json', '--home', home.dir]);
    await writer;
    expect(backup.code, backup.stderr).to.equal(0);
    const finished = Date.now();
    expect(finished).to.be.at.least(released);
    const entries = unpackTarGz(await readFile((JSON.parse(backup.stdout) as { archive: string }).archive));
    expect(entries.find((e) => e.path === 'state/approvals/pending.json')!.data.toString()).to.equal('[{"id":"apr_2"}]\n');
  });

  it('stops on a failed write and tells the operator what to do', async () => {
    const notAFolder = join(home.dir, 'a-file');
    await writeFile(notAFolder, 'x');
    const failed = await runOrch(['state:backup', '--to', notAFolder, '--home', home.dir]);
    expect(failed.code).to.equal(1);
    expect(failed.stderr).to.include(`Could not write ${notAFolder}`).and.include('No archive was written and older archives are untouched').and.include('--to DIR');
  });

  it('restores into a stopped home only, refuses an archive with a file that does not parse, and loses nothing', async () => {
    const before = await tree(join(home.dir, 'state'));
    const backup = await runOrch(['state:backup', '--json', '--home', home.dir]);
    expect(backup.code, backup.stderr).to.equal(0);
    const archive = (JSON.parse(backup.stdout) as { archive: string }).archive;

    // Life goes on after the backup: a new run, an approval decided, an agent edited.
    await writeFile(join(home.dir, 'state', 'runs', 'run-2.json'), '{"runId":"run-2"}\n');
    await writeFile(join(home.dir, 'state', 'approvals', 'completed.json'), '[]\n');
    await writeFile(join(home.dir, 'agents-config', 'summarizer.json'), '{"name":"summarizer","edited":true}\n');

    const server = OrchProcess.start(home.dir);
    try {
      await server.ready(home.dir);
      const refused = await runOrch(['state:restore', archive, '--home', home.dir]);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.include(`An Orch server (pid ${server.pid}`).and.include('stop it first');
    } finally {
      await server.kill();
    }
    await rm(join(home.dir, 'state', 'server.json'), { force: true }); // a SIGKILLed server leaves it behind

    const broken = join(home.dir, 'broken.tar.gz');
    const entries = unpackTarGz(await readFile(archive));
    await writeFile(broken, packTarGz(entries.map((e) => (e.path === 'state/runs/run-1.json' ? { ...e, data: Buffer.from('{"runId":') } : e))));
    const rejected = await runOrch(['state:restore', broken, '--home', home.dir]);
    expect(rejected.code).to.equal(1);
    expect(rejected.stderr).to.include('was not restored — nothing changed: state/runs/run-1.json: does not parse as JSON');
    expect(await readFile(join(home.dir, 'state', 'runs', 'run-2.json'), 'utf8')).to.equal('{"runId":"run-2"}\n');

    await mkdir(join(home.dir, 'state', 'secrets'), { recursive: true });
    await writeFile(join(home.dir, 'state', 'secrets', 'run-2.json'), '{"token":"s"}\n');
    const restored = await runOrch(['state:restore', archive, '--json', '--home', home.dir]);
    expect(restored.code, restored.stderr).to.equal(0);
    const report = JSON.parse(restored.stdout) as { files: number; previousState: string };
    expect(report.files).to.equal(entries.length);
    const after = await tree(join(home.dir, 'state'));
    for (const [file, content] of Object.entries(before)) expect(after[file], file).to.equal(content);
    expect(after).not.to.have.property(join('runs', 'run-2.json'));
    expect(await readFile(join(home.dir, 'agents-config', 'summarizer.json'), 'utf8')).to.equal('{"name":"summarizer"}\n');
    expect((await stat(join(report.previousState, 'runs', 'run-2.json'))).isFile()).to.equal(true);
    expect(await readFile(join(home.dir, 'state', 'secrets', 'run-2.json'), 'utf8'), 'secrets are never archived: the current ones stay').to.equal('{"token":"s"}\n');
  });
});

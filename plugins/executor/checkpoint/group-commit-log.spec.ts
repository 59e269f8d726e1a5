import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupCommitLog } from './group-commit-log.js';

describe('GroupCommitLog', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orch-gcl-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends in order and lets concurrent lines share one fsync', async () => {
    const file = join(dir, 'log');
    await writeFile(file, '');
    const stats = { fsyncs: 0, bytes: 0 };
    const log = new GroupCommitLog(file, 0, stats);
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(`${i}\n`, true)));
    expect((await readFile(file, 'utf8')).split('\n').filter(Boolean).map(Number)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
    expect(stats.fsyncs).to.be.at.most(2);
    expect(log.size).to.equal(stats.bytes);
  });

  it('syncs lines written without fsync on request, and not twice', async () => {
    const file = join(dir, 'log');
    await writeFile(file, '');
    const stats = { fsyncs: 0, bytes: 0 };
    const log = new GroupCommitLog(file, 0, stats);
    await log.append('a\n', false);
    expect(stats.fsyncs).to.equal(0);
    await log.sync();
    await log.sync();
    expect(stats.fsyncs).to.equal(1);
  });

  it('rejects with write_failed and refuses later lines once a write failed', async () => {
    const log = new GroupCommitLog(join(dir, 'missing', 'log'), 0);
    const first = log.append('a\n', true);
    const second = log.append('b\n', true);
    for (const outcome of [first, second]) {
      await outcome.then(
        () => expect.fail('should fail'),
        (error: { code?: string; message: string }) => {
          expect(error.code).to.equal('write_failed');
          expect(error.message).to.match(/^Could not write .*missing/);
        },
      );
    }
    expect(log.failed).to.equal(true);
    await log.append('c\n', false).then(
      () => expect.fail('should fail'),
      () => undefined,
    );
  });

  it('runs a job after the lines queued before it, and lines queued after it follow', async () => {
    const file = join(dir, 'log');
    await writeFile(file, '');
    const log = new GroupCommitLog(file, 0);
    const a = log.append('a\n', false);
    const job = log.job(async () => {
      expect(await readFile(file, 'utf8')).to.equal('a\n');
      await writeFile(file, 'A\n');
      return 2;
    });
    const b = log.append('b\n', true);
    await Promise.all([a, job, b]);
    expect(await readFile(file, 'utf8')).to.equal('A\nb\n');
  });
});

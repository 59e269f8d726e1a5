import { expect } from 'chai';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
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

  it('with growBy, writes lines over room reserved ahead of them, growing the file only when the room runs out', async () => {
    const file = join(dir, 'log');
    const stats = { fsyncs: 0, bytes: 0, padding: 0 };
    const log = new GroupCommitLog(file, 0, stats, { newFile: true, growBy: 8192 });
    log.reserve(10_000);
    await log.append('a\n', true);
    const reserved = (await stat(file)).size;
    expect(reserved).to.equal(12_288); // whole pages
    for (let i = 0; i < 100; i++) await log.append(`${'x'.repeat(40)}\n`, i % 2 === 0);
    expect((await stat(file)).size).to.equal(reserved);
    const text = await readFile(file, 'utf8');
    expect(text.slice(0, log.size).split('\n').filter(Boolean)).to.have.length(101);
    // The room is newlines: line readers see the same lines.
    expect(/^\n*$/.test(text.slice(log.size))).to.equal(true);
    expect(text.split('\n').filter(Boolean)).to.have.length(101);
    expect(stats.bytes).to.equal(log.size);
    // Past the room, the file grows by growBy at least.
    await log.append(`${'y'.repeat(reserved)}\n`, true);
    expect((await stat(file)).size).to.be.at.least(log.size + 8192);
    // Padding written: the first room (after the first line), then the room after the long line.
    expect(stats.padding).to.equal(reserved - 2 + (await stat(file)).size - log.size);
  });

  it('with growBy, refuses to write after lines another process cut (no hole before the new lines)', async () => {
    const file = join(dir, 'log');
    const log = new GroupCommitLog(file, 0, undefined, { growBy: 4096 });
    await log.append('a\n', true);
    await log.append('b\n', true);
    await writeFile(file, '');
    const fresh = new GroupCommitLog(file, 4, undefined, { growBy: 4096 });
    await fresh.append('c\n', true).then(
      () => expect.fail('should fail'),
      (error: { code?: string; message: string }) => {
        expect(error.code).to.equal('write_failed');
        expect(error.message).to.match(/fewer than the 4 of lines/);
      },
    );
    expect(await readFile(file, 'utf8')).to.equal('');
  });
});

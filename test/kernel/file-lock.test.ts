import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isOrchError, lockStats, resetLockStats, withFileLock } from '../../kernel/index.js';

const holder = fileURLToPath(new URL('../fixtures/kernel-file-lock/hold-many.ts', import.meta.url));

function holdMany(file: string, worker: string, count: number, holdMs: number, timeoutMs: number): Promise<{ ok: number; errors: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx/esm', holder, file, worker, String(count), String(holdMs), String(timeoutMs)], { timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout.trim())),
    );
  });
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;

/** Issue 12 §2: lock contention is waited out (the timeout is per holder, not per queue); advice names the holder. */
describe('kernel: inter-process file lock', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orch-lock-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('100 callers in one process queue in order; none times out though the queue lasts longer than the per-holder timeout', async () => {
    const file = join(dir, 'queue.txt');
    resetLockStats(file);
    const order: number[] = [];
    const began = Date.now();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        withFileLock(
          file,
          async () => {
            order.push(i);
            await new Promise((resolve) => setTimeout(resolve, 20));
          },
          { timeoutMs: 1_000 },
        ),
      ),
    );
    expect(Date.now() - began).to.be.above(1_000); // the queue outlasted the timeout
    expect(order).to.deep.equal(Array.from({ length: 100 }, (_, i) => i)); // FIFO
    const stats = lockStats(file);
    expect(stats.acquisitions).to.equal(100);
    expect(stats.maxQueue).to.equal(100);
    console.log(`      (hold p50 ${percentile(stats.holds, 50)} ms, max ${Math.max(...stats.holds)} ms; wait p50 ${percentile(stats.waits, 50)} ms, max ${Math.max(...stats.waits)} ms; queue ${stats.maxQueue})`);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('two processes × 50 callers serialise a read-modify-write with a 1 s per-holder timeout: nothing lost, nobody times out', async () => {
    const file = join(dir, 'shared.txt');
    const [a, b] = await Promise.all([holdMany(file, 'a', 50, 5, 1_000), holdMany(file, 'b', 50, 5, 1_000)]);
    expect(a.errors).to.deep.equal([]);
    expect(b.errors).to.deep.equal([]);
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    expect(lines).to.have.length(100);
    expect(new Set(lines).size).to.equal(100);
    expect((await readdir(dir)).sort()).to.deep.equal(['shared.txt']);
  });

  it('a live holder that keeps the lock: the error names it, says it is running, and does not advise removing the lock', async () => {
    const file = join(dir, 'held.json');
    await mkdir(`${file}.lock`);
    await writeFile(join(`${file}.lock`, 'owner'), JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now(), token: 'someone' }));
    const error = await withFileLock(file, async () => 'never', { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(isOrchError(error) && error.code).to.equal('timeout');
    expect((error as Error).message).to.contain(`process ${process.pid}`).and.contain('still running').and.contain('do not remove');
    expect((error as Error).message).not.to.match(/remove it if/);
    expect(await readFile(join(`${file}.lock`, 'owner'), 'utf8')).to.contain('someone'); // left alone
  });

  it('a lock left by a dead process is broken at once', async () => {
    const file = join(dir, 'orphan.json');
    await mkdir(`${file}.lock`);
    await writeFile(join(`${file}.lock`, 'owner'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), at: Date.now(), token: 'dead' }));
    const started = Date.now();
    expect(await withFileLock(file, async () => 'mine', { timeoutMs: 5_000 })).to.equal('mine');
    expect(Date.now() - started).to.be.below(2_000);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('a lock held by a process on another host is not broken; the advice says to remove it only if that process is gone', async () => {
    const file = join(dir, 'remote.json');
    await mkdir(`${file}.lock`);
    await writeFile(join(`${file}.lock`, 'owner'), JSON.stringify({ pid: 4242, host: 'elsewhere', at: Date.now(), token: 'remote' }));
    const error = (await withFileLock(file, async () => 'never', { timeoutMs: 200 }).catch((e: unknown) => e)) as Error;
    expect(error.message).to.contain('process 4242 on elsewhere').and.contain('only if that process is no longer running');
  });
});

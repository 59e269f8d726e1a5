import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, chmod, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isOrchError, OrchError } from '../../kernel/index.js';
import { FileJsonStore } from '../../kernel/services/json-store.js';

const incrementer = fileURLToPath(new URL('../fixtures/kernel-json-store/increment.ts', import.meta.url));
const Counter = z.object({ count: z.number(), writers: z.array(z.string()) });

function runWorker(file: string, worker: string, times: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx/esm', incrementer, file, worker, String(times)], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

describe('JsonStore', () => {
  let dir: string;
  const store = new FileJsonStore();
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orch-json-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('two processes updating one file 200 times each lose no update; the file is valid JSON throughout', async () => {
    const file = join(dir, 'shared.json');
    let reads = 0;
    let stop = false;
    const watcher = (async () => {
      while (!stop) {
        try {
          const text = await readFile(file, 'utf8');
          Counter.parse(JSON.parse(text)); // never torn, never half-written
          expect(text.endsWith('\n')).to.equal(true);
          reads++;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const codes = await Promise.all([runWorker(file, 'a', 200), runWorker(file, 'b', 200)]);
    stop = true;
    await watcher;
    expect(codes).to.deep.equal([0, 0]);
    const final = Counter.parse(JSON.parse(await readFile(file, 'utf8')));
    expect(final.count).to.equal(400);
    expect(new Set(final.writers).size).to.equal(400);
    expect(reads).to.be.greaterThan(0);
    expect((await readdir(dir)).sort()).to.deep.equal(['shared.json']); // no temp or lock left behind
  });

  it('reports a malformed file naming the file and leaves it untouched', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ "count": 1, ');
    const error = await store.update(file, Counter, () => ({ count: 0, writers: [] }), (c) => c).catch((e: unknown) => e);
    expect(isOrchError(error)).to.equal(true);
    expect((error as OrchError).code).to.equal('invalid_input');
    expect((error as OrchError).message).to.contain(file).and.contain('not valid JSON');
    expect(await readFile(file, 'utf8')).to.equal('{ "count": 1, ');
  });

  it('reports a schema violation with the field path and leaves the file untouched', async () => {
    const file = join(dir, 'wrong.json');
    await writeFile(file, '{"count":"three","writers":[]}\n');
    const error = (await store.read(file, Counter).catch((e: unknown) => e)) as OrchError;
    expect(error.code).to.equal('invalid_input');
    expect(error.details?.issues?.[0]?.path).to.equal('count');
    expect(error.message).to.contain('count');
    expect(await readFile(file, 'utf8')).to.equal('{"count":"three","writers":[]}\n');
  });

  it('writes newline-terminated JSON and returns undefined for a missing file', async () => {
    const file = join(dir, 'nested', 'value.json');
    expect(await store.read(file, Counter)).to.equal(undefined);
    await store.write(file, { count: 2, writers: [] }, Counter);
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('}\n')).to.equal(true);
    expect(JSON.parse(text)).to.deep.equal({ count: 2, writers: [] });
  });

  it('a failed write is a write_failed error and the old content survives', async function () {
    if (process.getuid?.() === 0) {
      // root ignores permissions; use a path whose parent is a file instead
      const file = join(dir, 'plain-file');
      await writeFile(file, 'x');
      const error = (await store.write(join(file, 'child.json'), { count: 1, writers: [] }).catch((e: unknown) => e)) as OrchError;
      expect(error.code).to.equal('write_failed');
      expect(error.message).to.contain('child.json');
      return;
    }
    const locked = join(dir, 'ro');
    await mkdir(locked);
    const file = join(locked, 'v.json');
    await store.write(file, { count: 1, writers: [] });
    await chmod(locked, 0o500);
    const error = (await store.write(file, { count: 2, writers: [] }).catch((e: unknown) => e)) as OrchError;
    await chmod(locked, 0o700);
    expect(error.code).to.equal('write_failed');
    expect(JSON.parse(await readFile(file, 'utf8')).count).to.equal(1);
  });

  it('refuses to write a value its schema rejects', async () => {
    const file = join(dir, 'x.json');
    const error = (await store.write(file, { count: 'no' } as never, Counter).catch((e: unknown) => e)) as OrchError;
    expect(error.code).to.equal('invalid_input');
    expect(await readFile(file, 'utf8').catch(() => 'absent')).to.equal('absent');
  });
});

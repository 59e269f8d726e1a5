import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOrchError, type OrchError } from '../errors.js';
import { writeFileAtomicSync } from './atomic-write.js';

describe('writeFileAtomicSync', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'orch-atomic-'));
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it('replaces the file whole, durable or not, creating its folder, and leaves no temp file', async () => {
    const file = join(folder, 'runs', 'run-1.json');
    writeFileAtomicSync(file, '{"v":1}\n');
    writeFileAtomicSync(file, '{"v":2}\n', { durable: false });
    expect(await readFile(file, 'utf8')).to.equal('{"v":2}\n');
    expect(await readdir(join(folder, 'runs'))).to.deep.equal(['run-1.json']);
  });

  it('fails with write_failed naming the file, leaves what was there and removes its temp file', async () => {
    // A folder where the file should be: the temp file is written, the rename over it fails.
    const target = join(folder, 'run-1.json');
    await mkdir(target);
    await writeFile(join(target, 'inside.txt'), 'kept\n');
    let caught: unknown;
    try {
      writeFileAtomicSync(target, '{}\n');
    } catch (error) {
      caught = error;
    }
    expect(isOrchError(caught), String(caught)).to.equal(true);
    expect((caught as OrchError).code).to.equal('write_failed');
    expect((caught as Error).message).to.contain(target);
    expect(await readdir(folder)).to.deep.equal(['run-1.json']);
    expect(await readFile(join(target, 'inside.txt'), 'utf8')).to.equal('kept\n');
  });
});

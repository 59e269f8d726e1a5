import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../kernel/index.js';
import { UnchangedFileCache } from './unchanged-file-cache.js';

describe('UnchangedFileCache', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'orch-file-cache-'));
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it('parses a file once while it is unchanged, and again once another writer replaced it (same size too)', async () => {
    const file = join(folder, 'index.json');
    const cache = new UnchangedFileCache<{ v: number }>(4);
    let loads = 0;
    const load = async () => {
      loads++;
      return JSON.parse(await readFile(file, 'utf8')) as { v: number };
    };
    await writeFileAtomic(file, '{"v":1}\n');
    expect(await cache.get(file, load)).to.deep.equal({ v: 1 });
    expect(await cache.get(file, load)).to.deep.equal({ v: 1 });
    expect(loads).to.equal(1);
    await writeFileAtomic(file, '{"v":2}\n');
    expect(await cache.get(file, load)).to.deep.equal({ v: 2 });
    expect(loads).to.equal(2);
  });

  it('keeps nothing for a missing file, and at most its limit of files', async () => {
    const cache = new UnchangedFileCache<string>(1);
    let loads = 0;
    const missing = join(folder, 'missing.json');
    expect(await cache.get(missing, async () => (loads++, undefined))).to.equal(undefined);
    expect(await cache.get(missing, async () => (loads++, undefined))).to.equal(undefined);
    expect(loads).to.equal(2);
    const [a, b] = [join(folder, 'a.json'), join(folder, 'b.json')];
    await writeFileAtomic(a, 'a\n');
    await writeFileAtomic(b, 'b\n');
    await cache.get(a, async () => (loads++, 'a'));
    await cache.get(b, async () => (loads++, 'b'));
    await cache.get(a, async () => (loads++, 'a'));
    expect(loads).to.equal(5);
  });
});

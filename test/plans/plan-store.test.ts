import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventBus, isOrchError, type OrchEvent } from '../../kernel/index.js';
import { PlanStore, type PlanDocument } from '../../plugins/plans/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import { bootPlansKernel } from '../support/plans-adapters.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const worker = fileURLToPath(new URL('../support/plans-save-worker.ts', import.meta.url));

function doc(id: string, marker: string, extra: Partial<PlanDocument> = {}): PlanDocument {
  return {
    id,
    name: `Plan ${marker}`,
    goal: `goal ${marker}`,
    root: { id: 'main', type: 'sequence', children: [{ id: 'step', type: 'local_task', kind: 'echo', params: { marker } }] },
    ...extra,
  } as PlanDocument;
}

async function expectError(work: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  try {
    await work;
    expect.fail(`expected ${code}`);
  } catch (error) {
    if (!isOrchError(error)) throw error;
    expect(error.code, error.message).to.equal(code);
    expect(error.message).to.match(message);
  }
}

describe('plans: versioned store', () => {
  let home: TestHome;
  let kernel: Kernel;
  let store: PlanStore;
  const events: OrchEvent[] = [];

  beforeEach(async () => {
    home = await createTestHome();
    kernel = await bootPlansKernel(home);
    store = kernel.container.get<PlanStore>(PlanStore);
    events.length = 0;
    kernel.container.get<EventBus>(EventBus).subscribe((e) => events.push(e));
  });
  afterEach(() => home.cleanup());

  it('save v1, save v2, rollback to 1: three versions, v3 has v1 content and is active; history is kept', async () => {
    const v1 = await store.save(doc('weekly', 'one'), { operator: 'ann' });
    const v2 = await store.save(doc('weekly', 'two'), { operator: 'bob' });
    const v3 = await store.rollback('weekly', 1, { operator: 'cid' });
    expect([v1.version, v2.version, v3.version]).to.deep.equal([1, 2, 3]);

    const versions = await store.versions('weekly');
    expect(versions.map((v) => [v.version, v.origin, v.createdBy, v.active])).to.deep.equal([
      [1, 'save', 'ann', false],
      [2, 'save', 'bob', false],
      [3, 'rollback to v1', 'cid', true],
    ]);
    const active = await store.get('weekly');
    expect(active.version).to.equal(3);
    const { version: _a, createdAt: _b, createdBy: _c, ...content3 } = active;
    const { version: _d, createdAt: _e, createdBy: _f, ...content1 } = await store.get('weekly', 1);
    expect(content3).to.deep.equal(content1);
    expect((await store.get('weekly', 2)).name).to.equal('Plan two');

    const folder = join(home.dir, 'state', 'plans');
    expect((await readdir(join(folder, 'weekly'))).sort()).to.deep.equal(['v1.json', 'v2.json', 'v3.json']);
    for (const file of ['index.json', 'weekly/v1.json', 'weekly/v3.json']) {
      expect((await readFile(join(folder, file), 'utf8')).endsWith('}\n'), file).to.equal(true);
    }
    expect(await store.list()).to.deep.include({ id: 'weekly', name: 'Plan one', goal: 'goal one', activeVersion: 3, latestVersion: 3, updatedAt: active.createdAt });
    expect(events.filter((e) => e.type === 'plan.saved').map((e) => (e as { version: number }).version)).to.deep.equal([1, 2, 3]);
  });

  it('stores provenance from the store, not from the document, and drops $schema', async () => {
    const saved = await store.save(doc('p', 'x', { $schema: '../../schemas/plan.schema.json', createdBy: 'mallory', createdAt: '1999' } as never), { operator: 'ann' });
    expect(saved.createdBy).to.equal('ann');
    expect(saved.createdAt).to.not.equal('1999');
    expect(saved).to.not.have.property('$schema');
  });

  it('refuses to save over a newer version than the document was edited from, unless forced', async () => {
    await store.save(doc('p', 'one'), { operator: 'ann' });
    await store.save(doc('p', 'two'), { operator: 'bob' });
    await expectError(store.save(doc('p', 'stale', { version: 1 }), { operator: 'ann' }), 'conflict', /edited from v1, but v2 has been saved since .*plan:diff p 1 2.*--force/);
    expect((await store.versions('p')).length).to.equal(2);
    const forced = await store.save(doc('p', 'stale', { version: 1 }), { operator: 'ann', force: true });
    expect(forced.version).to.equal(3);
    const current = await store.save(doc('p', 'fresh', { version: 3 }), { operator: 'ann' });
    expect(current.version).to.equal(4);
  });

  it('names what is missing: unknown plan, unknown version, bad ids (never touching the disk)', async () => {
    await expectError(store.get('nope'), 'not_found', /No plan "nope"; no plans are saved yet/);
    await store.save(doc('p', 'one'), { operator: 'ann' });
    await expectError(store.get('nope'), 'not_found', /No plan "nope"; saved plans: p/);
    await expectError(store.get('p', 7), 'not_found', /Plan p has no version 7; it has only v1/);
    await expectError(store.rollback('p', 5, { operator: 'x' }), 'not_found', /no version 5 to roll back to/);
    await expectError(store.rollback('p', 1, { operator: 'x' }), 'conflict', /v1 is already the active version/);
    await expectError(store.get('../../etc'), 'invalid_input', /not a plan id/);
    await expectError(store.versions('A/B'), 'invalid_input', /not a plan id/);
  });

  it('refuses a document that does not match the schema and writes nothing', async () => {
    await expectError(store.save({ id: 'p', name: 'x', goal: 'y', root: { id: 'l', type: 'loop', while: 'true', body: { id: 'b', type: 'local_task', kind: 'echo', params: {} } } } as never, { operator: 'a' }), 'invalid_input', /root\.maxIterations: a loop must be bounded/);
    expect(await store.list()).to.deep.equal([]);
  });

  it('a failed write stops the save with write_failed and leaves the index as it was', async () => {
    await store.save(doc('ok', 'one'), { operator: 'ann' });
    const index = await readFile(join(home.dir, 'state', 'plans', 'index.json'), 'utf8');
    await writeFile(join(home.dir, 'state', 'plans', 'blocked'), 'a file where the plan folder should be');
    await expectError(store.save(doc('blocked', 'x'), { operator: 'ann' }), 'write_failed', /Could not write .*blocked\/v1\.json/);
    expect(await readFile(join(home.dir, 'state', 'plans', 'index.json'), 'utf8')).to.equal(index);
  });

  it('adopts a version file the index does not know (a crash between the two writes) and never overwrites it', async () => {
    await store.save(doc('p', 'one'), { operator: 'ann' });
    const orphan = { ...(await store.get('p')), version: 2, name: 'Plan orphan' };
    await writeFile(join(home.dir, 'state', 'plans', 'p', 'v2.json'), `${JSON.stringify(orphan)}\n`);
    const next = await store.save(doc('p', 'three'), { operator: 'bob' });
    expect(next.version).to.equal(3);
    expect((await store.versions('p')).map((v) => v.origin)).to.deep.equal(['save', 'recovered', 'save']);
    expect((await store.get('p', 2)).name).to.equal('Plan orphan');
  });

  it('rebuilds a missing index from the version files', async () => {
    await store.save(doc('a', 'one'), { operator: 'ann' });
    await store.save(doc('a', 'two'), { operator: 'ann' });
    await store.save(doc('b', 'one'), { operator: 'ann' });
    await rm(join(home.dir, 'state', 'plans', 'index.json'));
    expect((await store.list()).map((p) => [p.id, p.activeVersion])).to.deep.equal([
      ['a', 2],
      ['b', 1],
    ]);
    expect((await store.get('a')).name).to.equal('Plan two');
  });

  it('reports a malformed index naming the file, and does not overwrite it', async () => {
    await mkdir(join(home.dir, 'state', 'plans'), { recursive: true });
    await writeFile(join(home.dir, 'state', 'plans', 'index.json'), '{"plans": {"p": {"name": 3}}}\n');
    await expectError(store.list(), 'invalid_input', /index\.json is invalid: plans\.p\.name/);
    await expectError(store.save(doc('q', 'x'), { operator: 'a' }), 'invalid_input', /index\.json is invalid/);
    expect(await readFile(join(home.dir, 'state', 'plans', 'index.json'), 'utf8')).to.equal('{"plans": {"p": {"name": 3}}}\n');
  });

  it('two processes saving the same plan at once lose no version', async function () {
    this.timeout(60_000);
    const run = (name: string) =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx/esm', worker, home.dir, name, '8'], { stdio: ['ignore', 'inherit', 'inherit'] });
        child.on('error', reject);
        child.on('exit', (code) => resolve(code ?? -1));
      });
    expect(await Promise.all([run('left'), run('right')])).to.deep.equal([0, 0]);
    const versions = await store.versions('raced');
    expect(versions.map((v) => v.version)).to.deep.equal(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(versions.filter((v) => v.createdBy === 'left')).to.have.length(8);
    const contents = await Promise.all(versions.map(async (v) => (await store.get('raced', v.version)).root));
    expect(new Set(contents.map((c) => JSON.stringify(c))).size).to.equal(16);
  });
});

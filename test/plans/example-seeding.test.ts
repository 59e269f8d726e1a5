import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PlanStore } from '../../plugins/plans/api/index.js';
import { ExamplePlansSeeder } from '../../plugins/plans/example-plans-seeder.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const examples = fileURLToPath(new URL('../../examples/plans', import.meta.url));

describe('example plans on a fresh start', () => {
  let home: TestHome;
  afterEach(() => home.cleanup());

  it('stores every example plan once when config/plans.json asks and the store is empty', async () => {
    home = await createTestHome({ 'plans.json': { seedExamples: true } });
    const kernel = await home.boot({ only: ['plans'] });
    await kernel.start();
    const seeder = kernel.get(ExamplePlansSeeder);
    const seeded = await seeder.seedIfEmpty();
    const files = (await readdir(examples)).filter((f) => f.endsWith('.json'));
    expect(seeded).to.have.length(files.length);
    const store = kernel.get<PlanStore>(PlanStore);
    expect((await store.list()).map((p) => p.latestVersion)).to.satisfy((v: number[]) => v.every((n) => n === 1));
    expect(await seeder.seedIfEmpty()).to.deep.equal([]); // never again once plans exist
  });

  it('stores nothing without the setting', async () => {
    home = await createTestHome();
    const kernel = await home.boot({ only: ['plans'] });
    await kernel.start();
    expect(await kernel.get(ExamplePlansSeeder).seedIfEmpty()).to.deep.equal([]);
  });
});

import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestHome, type TestHome } from './test-home.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A test home holding copies of the project's bundled `config/` and `agents-config/` (the defaults
 * `npm start` uses) — except `config/plans.json`, whose example seeding would fill the plan store
 * these tests expect to start empty.
 */
export async function createBundledHome(): Promise<TestHome> {
  const home = await createTestHome();
  for (const folder of ['config', 'agents-config']) {
    for (const name of await readdir(join(projectRoot, folder))) {
      if (name.endsWith('.json') && name !== 'plans.json') await cp(join(projectRoot, folder, name), join(home.dir, folder, name));
    }
  }
  return home;
}

export const EXAMPLE_PLANS = ['serial', 'parallel', 'conditional', 'loop', 'mixed'].map((name) => ({
  name,
  file: join(projectRoot, 'examples', 'plans', `${name}.json`),
}));

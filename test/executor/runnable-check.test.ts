import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { orchCli } from '../support/adapters-cli.js';

const GREETER = fileURLToPath(new URL('../../examples/orch-plugin-greeter', import.meta.url));

/**
 * A stored plan whose node type no loaded plugin provides is refused before it starts, with the
 * dry run's own sentence for the node (the executor reuses the registry's check, not a copy).
 */
describe('executor: a stored plan whose node type is no longer provided cannot run', function () {
  this.timeout(180_000);
  let home: string;
  const config = (packages: string[]) => writeFile(join(home, 'config', 'orch.json'), `${JSON.stringify({ plugins: { packages } })}\n`);

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'orch-runnable-'));
    await mkdir(join(home, 'config'));
  });
  after(async () => rm(home, { recursive: true, force: true }));

  it('runs while the package that provides the type is listed, and names the node and the type once it is not', async () => {
    const plan = {
      id: 'greet-bob',
      name: 'Greet Bob',
      goal: 'say hello',
      root: { id: 'main', type: 'sequence', children: [{ id: 'hi', type: 'greeting', title: 'Say hello', to: 'Bob' }] },
    };
    await writeFile(join(home, 'greet.json'), `${JSON.stringify(plan)}\n`);
    await config([GREETER]);
    const saved = await orchCli(home, ['plan:save', join(home, 'greet.json')]);
    expect(saved.code, saved.stderr).to.equal(0);
    const ran = await orchCli(home, ['run:auto', 'greet-bob']);
    expect(ran.code, ran.stderr).to.equal(0);

    await config([]);
    const refused = await orchCli(home, ['run:auto', 'greet-bob']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('Plan greet-bob v1 cannot run: node hi:').and.contain('greeting');
    expect(refused.stderr).not.to.contain('    at ');
  });
});

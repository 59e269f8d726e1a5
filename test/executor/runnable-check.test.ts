import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlanStore } from '../../plugins/plans/api/index.js';
import { orchCli } from '../support/adapters-cli.js';
import { createExecutorHome, planOf, task, type ExecutorHome, type ExecutorKernel } from '../support/executor-home.js';

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

/**
 * The executor's check before a run is the dry run's own leaf check (`PlanValidator.checkLeaves`):
 * a stored version that no longer passes it (stored without the check, or by older plugins) is
 * refused before anything runs, with the dry run's sentence; a high-risk node needs the approvals plugin.
 */
describe("executor: a stored version is checked with the dry run's leaf checks before it runs", function () {
  this.timeout(120_000);
  let home: ExecutorHome;
  let ex: ExecutorKernel;

  before(async () => {
    home = await createExecutorHome();
    ex = await home.bootExecutor();
  });
  after(async () => home.cleanup());

  const store = (id: string, root: unknown) => ex.kernel.get<PlanStore>(PlanStore).save(planOf(id, root) as never, { operator: 'tester' });

  it('refuses a high-risk node whose approval is turned off without a reason (stored with --no-check), and runs nothing', async () => {
    await store('unattended', { id: 'main', type: 'sequence', children: [task('first', 'noop'), task('danger', 'risky', {}, { requiresApproval: false })] });
    const refused = await ex.runs.start({ planId: 'unattended' }, { operator: 'tester' }).catch((error: Error) => error);
    expect(refused).to.be.instanceOf(Error);
    expect((refused as Error).message).to.match(/^Plan unattended v1 cannot run: node danger: requiresApproval: risk is high/);
    expect(await ex.runs.listItems()).to.have.length(0);
  });

  it('refuses a high-risk node when the approvals plugin is not loaded (the dry run judges the risk)', async () => {
    await store('risky', task('danger', 'risky'));
    const refused = await ex.runs.start({ planId: 'risky' }, { operator: 'tester' }).catch((error: Error) => error);
    expect((refused as Error).message).to.equal("Plan risky v1 has nodes that need a person's approval, but the approvals plugin is not loaded");
  });

  it('runs a high-risk node whose approval the plan waives with a reason', async () => {
    await store('waived', task('danger', 'risky', {}, { waiveApproval: 'a test sandbox' }));
    const record = await ex.runs.start({ planId: 'waived' }, { operator: 'tester' });
    expect(record.status).to.equal('completed');
  });
});

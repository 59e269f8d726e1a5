import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeAdapterRegistry, PlanValidator } from '../../plugins/plans/api/index.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const GREETER = join(projectRoot, 'examples', 'orch-plugin-greeter');
const COPY = join(projectRoot, 'test', 'fixtures', 'greeting-copy');

/** The one registry of node adapters: first binding wins, a second one of a key is refused at boot naming both plugins. */
describe('plans: the node adapter registry', function () {
  this.timeout(60_000);
  let home: TestHome;
  afterEach(() => home.cleanup());

  it('refuses a node type provided twice, naming both plugins, and an adapter whose type is not a node type name', async () => {
    home = await createTestHome({ 'orch.json': { plugins: { packages: [GREETER, COPY] } } });
    const kernel = await home.boot({ role: 'cli', only: ['plans', 'greeter', 'greeting-copy'] });
    await kernel.start();
    const registry = kernel.get<NodeAdapterRegistry>(NodeAdapterRegistry);
    const problems = registry.problems();
    expect(problems, JSON.stringify(problems)).to.have.length(2);
    expect(problems[0]).to.equal(
      'node type greeting is provided twice: by plugin greeter and by plugin greeting-copy; the second is refused (remove one of the two plugins, or disable it in config/orch.json)',
    );
    expect(problems[1]).to.match(/^the node adapter "Bad Type" is refused: its type must be lower-case letters, digits and "_"/);
    expect(registry.pluginOf('greeting')).to.equal('greeter');
    expect(registry.forNode({ type: 'greeting' })!.description).to.match(/^Greets someone/);
    expect(registry.leafTypes()).to.deep.equal(['greeting', 'local_task']);

    // Logged at boot, where operators look.
    const log = (await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(log.some((l) => l.level === 'error' && l.msg.includes('provided twice: by plugin greeter and by plugin greeting-copy'))).to.equal(true);

    // The greeter's adapter is the one that validates greeting nodes.
    const report = await kernel.get<PlanValidator>(PlanValidator).dryRun({ id: 'p', name: 'P', goal: 'g', root: { id: 'hi', type: 'greeting', to: 'Ada', language: 'de' } });
    expect(report.ok, JSON.stringify(report)).to.equal(true);
    expect(report.root).to.include({ adapter: 'greeting', riskLevel: 'low' });
  });

  it('names the plugin to enable for a node type that a plugin found but not loaded provides', async () => {
    home = await createTestHome({ 'orch.json': { plugins: { packages: [GREETER] } } });
    const kernel = await home.boot({ role: 'cli', only: ['plans'] });
    await kernel.start();
    const report = await kernel.get<PlanValidator>(PlanValidator).dryRun({ id: 'p', name: 'P', goal: 'g', root: { id: 'hi', type: 'greeting', to: 'Ada' } });
    expect(report.ok).to.equal(false);
    expect(report.root!.issues).to.deep.equal([
      { path: 'root.type', nodeId: 'hi', field: 'type', message: 'no plugin provides greeting nodes; enable the greeter plugin', severity: 'error' },
    ]);
  });
});

import { expect } from 'chai';
import { type OrchEvent } from '../../kernel/index.js';
import { AgentRegistry } from '../../plugins/agents/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import { agentConfig, createAgentsHome, eventually, type AgentsHome } from '../support/agents-home.js';

describe('agents: registry over agents-config/', () => {
  let home: AgentsHome;
  let kernel: Kernel;
  let events: OrchEvent[];
  let registry: AgentRegistry;

  beforeEach(async () => {
    home = await createAgentsHome();
    await home.writeAgent('alpha.json', agentConfig('alpha'));
    await home.writeAgent('broken.json', '{ "name": "broken", ');
    await home.writeAgent('wrong.json', agentConfig('wrong', { maxTurns: 0, tools: [{ mcp: '' } as never] }));
    ({ kernel, events } = await home.bootAgents());
    registry = kernel.get<AgentRegistry>(AgentRegistry);
  });
  afterEach(async () => home.cleanup());

  it('loads valid files at start and reports each invalid one with file and field, skipping it', () => {
    expect(registry.list().map((a) => a.config.name)).to.deep.equal(['alpha']);
    const problems = registry.problems();
    expect(problems.map((p) => p.file)).to.deep.equal(['agents-config/broken.json', 'agents-config/wrong.json']);
    expect(problems[0]!.message).to.match(/not valid JSON/);
    expect(problems[1]!.message).to.include('maxTurns').and.include('tools.0');
    expect(() => registry.ensure('wrong')).to.throw(/No agent "wrong".*agents-config\/wrong\.json.*known agents: alpha/);
  });

  it('hot-loads an added file, updates a changed one and unloads a deleted one, publishing each', async () => {
    await home.writeAgent('beta.json', agentConfig('beta'));
    await eventually(() => registry.get('beta') !== undefined, 5_000, 'beta to load');
    expect(events.some((e) => e.type === 'agent.registered' && e.name === 'beta')).to.equal(true);

    await home.writeAgent('beta.json', agentConfig('beta', { version: '2.0.0', instructions: 'Changed.' }));
    await eventually(() => registry.get('beta')?.config.version === '2.0.0', 5_000, 'beta to update');
    expect(registry.get('beta')!.config.instructions).to.equal('Changed.');

    await home.removeAgent('beta.json');
    await eventually(() => registry.get('beta') === undefined, 5_000, 'beta to unload');
    expect(events.some((e) => e.type === 'agent.unregistered' && e.name === 'beta')).to.equal(true);
    expect(registry.get('alpha')).to.not.equal(undefined);
  });

  it('keeps the last valid version while an edit is invalid, and picks up the fix', async () => {
    await home.writeAgent('alpha.json', agentConfig('alpha', { riskLevel: 'extreme' as never }));
    await eventually(() => registry.problems().some((p) => p.file === 'agents-config/alpha.json'), 5_000, 'the problem to show');
    expect(registry.get('alpha')!.config.riskLevel).to.equal('medium');
    expect(registry.problems().find((p) => p.file === 'agents-config/alpha.json')!.message).to.include('riskLevel');

    await home.writeAgent('broken.json', agentConfig('broken'));
    await eventually(() => registry.get('broken') !== undefined, 5_000, 'the fixed file to load');
    expect(registry.problems().map((p) => p.file)).to.not.include('agents-config/broken.json');
  });

  it('refuses a file whose agent name differs from the file name', async () => {
    await home.writeAgent('gamma.json', agentConfig('delta'));
    await eventually(() => registry.problems().some((p) => p.file === 'agents-config/gamma.json'), 5_000, 'the problem to show');
    expect(registry.problems().find((p) => p.file === 'agents-config/gamma.json')!.message).to.match(/name: "delta" does not match the file name/);
    expect(registry.get('delta')).to.equal(undefined);
  });

  it('registers at run time in memory or as a file, refuses duplicates without overwrite, and unregisters', async () => {
    const memory = await registry.register(agentConfig('mem') as never);
    expect(memory.file).to.equal(undefined);
    try {
      await registry.register(agentConfig('mem') as never);
      expect.fail('a duplicate must be refused');
    } catch (error) {
      expect((error as Error).message).to.match(/already registered/);
    }
    const persisted = await registry.register(agentConfig('saved') as never, { persist: true });
    expect(persisted.file).to.match(/agents-config\/saved\.json$/);
    expect(await home.readAgent('saved.json')).to.deep.include({ name: 'saved', maxTurns: 10, riskLevel: 'medium' });

    // Unloading without deleting: the file is ignored until it changes.
    expect(await registry.unregister('saved')).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(registry.get('saved')).to.equal(undefined);
    await home.writeAgent('saved.json', agentConfig('saved', { version: '1.1.0' }));
    await eventually(() => registry.get('saved')?.config.version === '1.1.0', 5_000, 'the changed file to load again');

    expect(await registry.unregister('saved', { deleteFile: true })).to.equal(true);
    expect(await home.readAgent('saved.json').then(() => 'present', () => 'gone')).to.equal('gone');
    expect(await registry.unregister('nobody')).to.equal(false);
  });

  it('rejects an invalid runtime registration naming the field', async () => {
    try {
      await registry.register({ name: 'x', description: '', instructions: 'y' } as never);
      expect.fail('must be refused');
    } catch (error) {
      expect((error as Error).message).to.match(/description/);
    }
  });
});

import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliCommand, EventBus, EventSubscriber, PluginCatalog, type OrchEvent, type PluginCatalog as Catalog } from '../../kernel/index.js';
import { calls } from '../fixtures/kernel-plugins/recorder.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const pluginsDir = fileURLToPath(new URL('../fixtures/kernel-plugins', import.meta.url));

describe('kernel: plugin loading and lifecycle', () => {
  let home: TestHome;
  beforeEach(async () => {
    calls.length = 0;
    home = await createTestHome();
  });
  afterEach(() => home.cleanup());

  it('loads good plugins, refuses bad ones with file and field, and isolates failing phases', async () => {
    const kernel = await home.boot({ pluginsDir, plugins: ['business'] });
    await kernel.start();
    const status = Object.fromEntries(kernel.plugins().map((p) => [p.id, p]));

    expect(status.greeter!.status).to.equal('loaded');
    expect(status['needs-greeter']!.status).to.equal('loaded');
    expect(status.diag!.status).to.equal('not_selected');

    expect(status['bad-manifest']!.status).to.equal('refused');
    expect(status['bad-manifest']!.reason).to.contain(join(pluginsDir, 'bad-manifest', 'plugin.json'));
    expect(status['bad-manifest']!.reason).to.contain('contributes.commands.0.name');

    expect(status['cycle-a']!.status).to.equal('refused');
    expect(status['cycle-a']!.reason).to.contain('cycle');
    expect(status.orphan!.reason).to.contain('"missing-plugin"');

    expect(status['broken-start']!.status).to.equal('failed');
    expect(status['broken-start']!.reason).to.contain('port already taken');
    expect(status['broken-configure']!.status).to.equal('failed');

    // Requirements first; a failing configure skips that plugin's start; the others still start.
    expect(calls.indexOf('greeter:configure')).to.be.lessThan(calls.indexOf('needs-greeter:configure'));
    expect(calls).to.include.members(['greeter:start', 'needs-greeter:start', 'broken-start:configure']);
    expect(calls).not.to.include('broken-configure:start');

    calls.length = 0;
    await kernel.stop();
    expect(calls.indexOf('needs-greeter:stop')).to.be.lessThan(calls.indexOf('greeter:stop'));

    const log = await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8');
    const lines = log.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const failure = lines.find((l) => String(l.msg).includes('broken-start'));
    expect(failure).to.include({ level: 'error', plugin: 'broken-start' });
  });

  it('exposes the catalog and contributions through the container', async () => {
    const kernel = await home.boot({ pluginsDir, plugins: ['business', 'ops'] });
    await kernel.start();
    const catalog = kernel.get<Catalog>(PluginCatalog);
    expect(catalog.entries().find((e) => e.id === 'diag')!.status).to.equal('loaded');
    const names = kernel.resolveAll<CliCommand>(CliCommand).map((c) => c.name);
    expect(names).to.include.members(['greeter:hello', 'needs-greeter:hello', 'diag:hello']);
  });

  it('loads only core and the requested plugin when a command scopes it', async () => {
    const kernel = await home.boot({ pluginsDir, only: ['needs-greeter'] });
    const loaded = kernel.plugins().filter((p) => p.status === 'loaded').map((p) => p.id);
    expect(loaded.sort()).to.deep.equal(['greeter', 'needs-greeter']);
  });

  it('delivers events to EventSubscriber contributions by topic', async () => {
    const kernel = await home.boot({ pluginsDir, plugins: [] });
    const seen: OrchEvent[] = [];
    kernel.container.bind(EventSubscriber).toConstantValue({ topics: ['plan'], onEvent: (e: OrchEvent) => void seen.push(e) });
    await kernel.start();
    const bus = kernel.get<EventBus>(EventBus);
    bus.publish({ type: 'plan.saved', planId: 'p', version: 1 });
    bus.publish({ type: 'agent.unregistered', name: 'x' });
    expect(seen.map((e) => e.type)).to.deep.equal(['plan.saved']);
    expect(seen[0]!.seq).to.be.greaterThan(0);
  });
});

import { expect } from 'chai';
import type { DiscoveredPlugin } from './contracts/plugin-manifest.js';
import { PluginManifestSchema } from './contracts/plugin-manifest.js';
import { selectPlugins, type SelectionRequest } from './plugin-selection.js';

function plugin(id: string, profiles: string[], requires: string[] = []): DiscoveredPlugin {
  return {
    manifest: PluginManifestSchema.parse({ id, version: '1.0.0', kernel: '*', profiles, requires, entry: 'index.ts' }),
    manifestFile: `/plugins/${id}/plugin.json`,
    root: `/plugins/${id}`,
    source: 'builtin',
  };
}

const request = (over: Partial<SelectionRequest> = {}): SelectionRequest => ({
  profiles: new Set(['business']),
  include: new Set(),
  disabled: new Set(),
  ...over,
});

const ids = (plugins: DiscoveredPlugin[]): string[] => plugins.map((p) => p.manifest.id);

describe('selectPlugins', () => {
  it('orders plugins after what they require', () => {
    const result = selectPlugins([plugin('c', ['business'], ['b']), plugin('b', ['business'], ['a']), plugin('a', ['core'])], request());
    expect(ids(result.ordered)).to.deep.equal(['a', 'b', 'c']);
    expect(result.refused).to.deep.equal([]);
  });

  it('always loads core, loads selected profiles, leaves the rest unselected', () => {
    const result = selectPlugins([plugin('k', ['core']), plugin('biz', ['business']), plugin('diag', ['ops'])], request());
    expect(ids(result.ordered)).to.have.members(['k', 'biz']);
    expect(ids(result.notSelected)).to.deep.equal(['diag']);
  });

  it('loads a plugin named explicitly and pulls in its requirements from other profiles', () => {
    const result = selectPlugins([plugin('diag', ['ops'], ['helper']), plugin('helper', ['ops'])], request({ profiles: new Set(), include: new Set(['diag']) }));
    expect(ids(result.ordered)).to.deep.equal(['helper', 'diag']);
  });

  it('refuses a plugin with a missing requirement and everything requiring it, and keeps the others', () => {
    const result = selectPlugins(
      [plugin('a', ['business'], ['ghost']), plugin('b', ['business'], ['a']), plugin('c', ['business'])],
      request(),
    );
    expect(ids(result.ordered)).to.deep.equal(['c']);
    const reasons = Object.fromEntries(result.refused.map((r) => [r.id, r.reason]));
    expect(reasons.a).to.contain('"ghost"');
    expect(reasons.b).to.contain('"a"');
  });

  it('refuses every member of a requirement cycle and their dependents', () => {
    const result = selectPlugins(
      [plugin('x', ['business'], ['y']), plugin('y', ['business'], ['x']), plugin('z', ['business'], ['x']), plugin('free', ['business'])],
      request(),
    );
    expect(ids(result.ordered)).to.deep.equal(['free']);
    expect(result.refused.map((r) => r.id).sort()).to.deep.equal(['x', 'y', 'z']);
    expect(result.refused.find((r) => r.id === 'x')!.reason).to.match(/cycle: .*x.*y/);
  });

  it('never loads a disabled plugin and refuses plugins requiring it', () => {
    const result = selectPlugins([plugin('a', ['business']), plugin('b', ['business'], ['a'])], request({ disabled: new Set(['a']) }));
    expect(ids(result.ordered)).to.deep.equal([]);
    expect(result.refused[0]!.reason).to.contain('disabled');
  });

  it('with `only`, loads just that plugin, core and its requirements', () => {
    const result = selectPlugins(
      [plugin('k', ['core']), plugin('a', ['business']), plugin('b', ['business'], ['a']), plugin('c', ['business'])],
      request({ only: new Set(['b']) }),
    );
    expect(ids(result.ordered)).to.have.members(['k', 'a', 'b']);
  });
});

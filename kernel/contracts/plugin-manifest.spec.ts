import { expect } from 'chai';
import { PluginManifestSchema } from './plugin-manifest.js';

const valid = {
  id: 'adapters-local',
  version: '0.1.0',
  kernel: '^0.1.0',
  profiles: ['business'],
  entry: 'index.ts',
  contributes: {
    commands: [{ name: 'services:list', description: 'List services', options: { json: { type: 'boolean', description: 'JSON' } } }],
    nodeTypes: [{ type: 'local_task', kind: 'script', description: 'Run a program' }],
  },
};

describe('PluginManifestSchema', () => {
  it('accepts a complete manifest and fills defaults', () => {
    const manifest = PluginManifestSchema.parse(valid);
    expect(manifest.requires).to.deep.equal([]);
    expect(manifest.contributes.commands[0]!.loads).to.equal('plugin');
    expect(manifest.contributes.gui).to.equal(undefined);
    expect(manifest.contributes.statusSections).to.deep.equal([]);
  });

  it('accepts a manifest without contributions', () => {
    const { contributes: _c, ...bare } = valid;
    expect(PluginManifestSchema.parse(bare).contributes.commands).to.deep.equal([]);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['an id with capitals', { id: 'Adapters' }, 'id'],
    ['an id with a slash', { id: '../escape' }, 'id'],
    ['a version that is not semver', { version: 'one' }, 'version'],
    ['an unknown profile', { profiles: ['gold'] }, 'profiles.0'],
    ['no profile', { profiles: [] }, 'profiles'],
    ['a missing entry', { entry: undefined }, 'entry'],
    ['an unknown field', { colour: 'red' }, ''],
    ['a command name with spaces', { contributes: { commands: [{ name: 'plan dry', description: 'x' }] } }, 'contributes.commands.0.name'],
    ['an option of an unknown type', { contributes: { commands: [{ name: 'a', description: 'x', options: { f: { type: 'date', description: 'd' } } }] } }, 'contributes.commands.0.options.f.type'],
  ];
  for (const [what, change, path] of bad) {
    it(`refuses ${what}, naming the field`, () => {
      const result = PluginManifestSchema.safeParse({ ...valid, ...change });
      expect(result.success).to.equal(false);
      const paths = result.error!.issues.map((i) => i.path.join('.'));
      expect(paths).to.include(path);
    });
  }
});

import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pluginsDir = join(root, 'plugins');

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') files.push(...(await sourceFiles(path)));
    else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) files.push(path);
  }
  return files;
}

/** Relative import specifiers of a module: static imports, re-exports and dynamic import(). */
function importsOf(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (spec?.startsWith('.')) found.push(spec);
  }
  return found;
}

describe('plugin boundaries', () => {
  it('no file under plugins/<a>/ imports a file of plugins/<b>/ (plugins meet only through kernel/)', async () => {
    const violations: string[] = [];
    for (const file of await sourceFiles(pluginsDir)) {
      const owner = relative(pluginsDir, file).split(sep)[0]!;
      for (const spec of importsOf(await readFile(file, 'utf8'))) {
        const target = relative(pluginsDir, resolve(dirname(file), spec));
        if (target.startsWith('..')) {
          const outside = relative(root, resolve(dirname(file), spec));
          const testHelper = file.endsWith('.spec.ts') && outside.startsWith(`test${sep}`);
          if (!outside.startsWith(`kernel${sep}index`) && !testHelper) {
            // Only the kernel's public surface may be imported from outside the plugin (specs may use test helpers).
            violations.push(`${relative(root, file)} imports ${spec} (outside its plugin, not kernel/index)`);
          }
          continue;
        }
        const targetPlugin = target.split(sep)[0];
        if (targetPlugin !== owner) violations.push(`${relative(root, file)} imports ${spec} (plugin ${targetPlugin})`);
      }
    }
    expect(violations, violations.join('\n')).to.deep.equal([]);
  });

  it('detects a violation (the check itself works)', () => {
    expect(importsOf("import { x } from '../other-plugin/thing.js';\nconst m = await import('./local.js');")).to.deep.equal([
      '../other-plugin/thing.js',
      './local.js',
    ]);
  });
});

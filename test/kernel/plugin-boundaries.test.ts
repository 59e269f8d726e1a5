import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pluginsDir = join(root, 'plugins');
const kernelDir = join(root, 'kernel');
const cliDir = join(root, 'cli');

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'dist') files.push(...(await sourceFiles(path)));
    else if (/\.(ts|tsx|js|mjs)$/.test(entry.name)) files.push(path);
  }
  return files;
}

/** Relative import specifiers of a module: static imports, re-exports, dynamic import() and module augmentations. */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]|declare\s+module\s+['"]([^'"]+)['"]/g;
  for (const match of source.matchAll(pattern)) {
    const spec = match[1] ?? match[2] ?? match[3] ?? match[4];
    if (spec?.startsWith('.')) found.push(spec);
  }
  return found;
}

/** `requires` plus `uses` (optional contracts) of a built-in plugin. */
async function dependenciesOf(plugin: string): Promise<string[]> {
  const manifest = JSON.parse(await readFile(join(pluginsDir, plugin, "plugin.json"), "utf8")) as { requires?: string[]; uses?: string[] };
  return [...(manifest.requires ?? []), ...(manifest.uses ?? [])];
}

/**
 * Invariant 3: a plugin imports the kernel's public surface, its own files, and another plugin's
 * `api/` folder only — and only of a plugin its manifest `requires` (or `uses`, optionally). Specs may also use test helpers.
 */
async function violations(): Promise<string[]> {
  const found: string[] = [];
  const requires = new Map<string, string[]>();
  for (const file of await sourceFiles(pluginsDir)) {
    const owner = relative(pluginsDir, file).split(sep)[0]!;
    if (!requires.has(owner)) requires.set(owner, await dependenciesOf(owner).catch(() => []));
    for (const spec of importsOf(await readFile(file, 'utf8'))) {
      const target = relative(root, resolve(dirname(file), spec));
      const where = `${relative(root, file)} imports ${spec}`;
      const [top, plugin, folder] = target.split(sep);
      if (top === 'plugins' && plugin === owner) continue;
      if (target === join('kernel', 'index.js')) continue;
      if (top === 'test' && file.endsWith('.spec.ts')) continue;
      if (top === 'plugins' && folder === 'api') {
        if (!requires.get(owner)!.includes(plugin!)) found.push(`${where} (plugin ${plugin}'s api, but "${plugin}" is neither in ${owner}'s requires nor its uses)`);
        continue;
      }
      found.push(`${where} (${top === 'plugins' ? `plugin ${plugin}'s private files` : 'outside its plugin, not kernel/index'})`);
    }
  }
  // The kernel and the CLI host built on it know no plugin: plugins reach them through manifests.
  for (const file of [...(await sourceFiles(kernelDir)), ...(await sourceFiles(cliDir))]) {
    for (const spec of importsOf(await readFile(file, 'utf8'))) {
      if (relative(root, resolve(dirname(file), spec)).startsWith(`plugins${sep}`)) found.push(`${relative(root, file)} imports ${spec} (the kernel and the CLI host know no plugin)`);
    }
  }
  return found;
}

describe('plugin boundaries', () => {
  it('plugins import only kernel/index, their own files and the api/ of a plugin they require; the kernel and the CLI host import no plugin', async () => {
    const found = await violations();
    expect(found, found.join('\n')).to.deep.equal([]);
  });

  it('detects imports of every form (the check itself works)', () => {
    expect(importsOf("import { x } from '../other-plugin/thing.js';\nconst m = await import('./local.js');\ndeclare module '../../kernel/index.js' {}")).to.deep.equal([
      '../other-plugin/thing.js',
      './local.js',
      '../../kernel/index.js',
    ]);
  });

  it('the kernel names no domain: no plan, run, approval, agent, MCP or bridge vocabulary in its code', async () => {
    const domain = /\b(plans?|runs?Id|approvals?|agents?|mcp|bridges?|executor|NodeAdapter|checkpoints?)\b/i;
    const hits: string[] = [];
    for (const file of await sourceFiles(kernelDir)) {
      if (file.endsWith('.spec.ts')) continue;
      const code = (await readFile(file, 'utf8'))
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
        .replace(/'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, "''");
      code.split('\n').forEach((line, i) => {
        if (domain.test(line)) hits.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(hits, hits.join('\n')).to.deep.equal([]);
  });
});

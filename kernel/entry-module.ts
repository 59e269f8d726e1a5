import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DiscoveredPlugin } from './contracts/plugin-manifest.js';
import { projectRootOf, RUNS_COMPILED } from './project-root.js';

const projectRoot = projectRootOf(import.meta.url);
let typeScriptLoader: Promise<unknown> | undefined;

/**
 * Imports a plugin's entry module. A compiled kernel (`dist/`) takes a built-in plugin's compiled
 * module from `dist/plugins/…`; a TypeScript entry with no compiled copy (a third-party package
 * written in TypeScript, a test fixture) registers the TypeScript loader first, once.
 */
export async function importEntry(plugin: DiscoveredPlugin): Promise<unknown> {
  const source = join(plugin.root, plugin.manifest.entry);
  if (!RUNS_COMPILED || !source.endsWith('.ts')) return import(pathToFileURL(source).href);
  const inProject = relative(projectRoot, source);
  const compiled = inProject.startsWith(`..${sep}`) ? undefined : join(projectRoot, 'dist', inProject.replace(/\.ts$/, '.js'));
  if (compiled && existsSync(compiled)) return import(pathToFileURL(compiled).href);
  typeScriptLoader ??= import('tsx/esm/api').then(({ register }) => register());
  await typeScriptLoader;
  return import(pathToFileURL(source).href);
}

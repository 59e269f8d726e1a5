import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import semver from 'semver';
import type { OrchConfig } from './contracts/config.js';
import type { Paths } from './contracts/paths.js';
import { PluginManifestSchema, type DiscoveredPlugin, type RefusedPlugin } from './contracts/plugin-manifest.js';
import { formatFieldIssues, toFieldIssues } from './contracts/zod-issues.js';

export interface Discovery {
  plugins: DiscoveredPlugin[];
  refused: RefusedPlugin[];
  /** Every manifest file read, for the CLI's help cache fingerprint. */
  manifestFiles: string[];
}

/**
 * Finds manifests: `plugins/<id>/plugin.json` in the installation, then the `"orch"` field of each
 * package listed in `config/orch.json`. A manifest that fails validation is refused with its file
 * and field; it never stops the others.
 */
export async function discoverPlugins(paths: Paths, config: OrchConfig, kernelVersion: string): Promise<Discovery> {
  const found: Discovery = { plugins: [], refused: [], manifestFiles: [] };
  for (const folder of await listFolders(paths.builtinPluginsDir)) {
    const file = join(paths.builtinPluginsDir, folder, 'plugin.json');
    const raw = await readJson(file);
    if (raw === MISSING) continue; // a folder without a manifest is not a plugin
    found.manifestFiles.push(file);
    accept(found, raw, { file, root: dirname(file), source: 'builtin', fallbackId: folder }, kernelVersion);
  }
  for (const spec of config.plugins.packages) {
    const file = resolvePackageJson(spec, paths);
    const raw = file ? await readJson(file) : MISSING;
    if (!file || raw === MISSING) {
      found.refused.push({ id: spec, manifestFile: file ?? spec, reason: `package "${spec}" (listed in config/orch.json plugins.packages) was not found` });
      continue;
    }
    found.manifestFiles.push(file);
    const orch = isRecord(raw) ? raw.orch : undefined;
    if (orch === undefined) {
      found.refused.push({ id: spec, manifestFile: file, reason: `${file}: field "orch" is missing (the plugin manifest of a package)` });
      continue;
    }
    accept(found, orch, { file, root: dirname(file), source: 'package', fallbackId: spec, fieldPrefix: 'orch' }, kernelVersion);
  }
  return found;
}

const MISSING = Symbol('missing');

interface Origin {
  file: string;
  root: string;
  source: 'builtin' | 'package';
  fallbackId: string;
  fieldPrefix?: string;
}

function accept(found: Discovery, raw: unknown, origin: Origin, kernelVersion: string): void {
  if (raw instanceof Error) {
    found.refused.push({ id: origin.fallbackId, manifestFile: origin.file, reason: raw.message });
    return;
  }
  const parsed = PluginManifestSchema.safeParse(raw);
  const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : origin.fallbackId;
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error, origin.fieldPrefix ? [origin.fieldPrefix] : []);
    found.refused.push({ id, manifestFile: origin.file, reason: `${origin.file}: invalid manifest: ${formatFieldIssues(issues)}` });
    return;
  }
  const manifest = parsed.data;
  if (!semver.validRange(manifest.kernel) || !semver.satisfies(kernelVersion, manifest.kernel, { includePrerelease: true })) {
    found.refused.push({
      id,
      manifestFile: origin.file,
      reason: `${origin.file}: field "kernel" asks for kernel ${manifest.kernel}, this kernel is ${kernelVersion}`,
    });
    return;
  }
  if (found.plugins.some((p) => p.manifest.id === manifest.id)) {
    found.refused.push({ id, manifestFile: origin.file, reason: `${origin.file}: field "id": plugin id "${manifest.id}" is already used` });
    return;
  }
  found.plugins.push({ manifest, manifestFile: origin.file, root: origin.root, source: origin.source });
}

async function listFolders(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

async function readJson(file: string): Promise<unknown | typeof MISSING | Error> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return MISSING;
    return new Error(`${file}: cannot be read: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    return new Error(`${file}: not valid JSON: ${(error as Error).message}`);
  }
}

/** A path (relative to the home folder) or an npm package name resolved from the home, then the installation. */
function resolvePackageJson(spec: string, paths: Paths): string | undefined {
  if (spec.startsWith('.') || isAbsolute(spec)) return join(resolve(paths.home, spec), 'package.json');
  for (const base of [paths.home, paths.projectRoot]) {
    try {
      return createRequire(join(base, 'package.json')).resolve(`${spec}/package.json`);
    } catch {
      // try the next base
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

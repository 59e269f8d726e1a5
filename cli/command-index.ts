import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { OrchConfigSchema } from '../kernel/contracts/config.js';
import { CommandContributionSchema, type CommandContribution } from '../kernel/contracts/plugin-manifest.js';
import { discoverPlugins } from '../kernel/plugin-discovery.js';
import { selectPlugins } from '../kernel/plugin-selection.js';
import { toStoredJson, writeFileAtomic } from '../kernel/services/atomic-write.js';
import { readJsonFile } from '../kernel/services/json-store.js';
import { createPaths, PROJECT_ROOT, resolveHome } from '../kernel/services/paths.js';
import { KERNEL_VERSION } from '../kernel/version.js';

/**
 * What `bin/orch.js` needs to build the yargs command tree: every command of the selected plugins,
 * from manifests only. Cached in `node_modules/.cache/orch/cli-index.json` (keyed by `--plugins` and
 * the content of config/orch.json) with a fingerprint of every manifest it was computed from, so
 * `orch --help` does not load TypeScript, Zod or plugin code when nothing changed.
 */
export interface IndexedCommand extends CommandContribution {
  /** `kernel` for the host's own commands (`start`, `plugins:list`: builtin-commands.ts). */
  plugin: string;
}

export interface CommandIndex {
  fingerprint: Fingerprint;
  selection: string;
  savedAt?: number;
  commands: IndexedCommand[];
  /** Commands of discovered plugins that are not selected, for a helpful hint. */
  unselected: { name: string; plugin: string; profiles: string[] }[];
  /** Names given to `--plugins` that are neither a profile nor a discovered plugin. */
  unknownSelections: string[];
}

export interface Fingerprint {
  kernelVersion: string;
  pluginsDir: string;
  pluginFolders: string[];
  /** path → `mtimeMs:size`, or `missing`. */
  files: Record<string, string>;
}

const BuiltinCommandsSchema = z.object({ commands: z.array(CommandContributionSchema) });

export async function buildCommandIndex(options: { home?: string; plugins?: string }): Promise<CommandIndex> {
  const paths = createPaths(resolveHome(options.home));
  const configFile = paths.config('orch.json');
  const config = (await readJsonFile(configFile, OrchConfigSchema)) ?? OrchConfigSchema.parse({});
  const discovery = await discoverPlugins(paths, config, KERNEL_VERSION);
  const named = options.plugins ? splitList(options.plugins) : config.plugins.profiles;
  const profiles = new Set<string>(named.filter((n) => ['core', 'business', 'ops'].includes(n)));
  const selection = selectPlugins(discovery.plugins, {
    profiles,
    include: new Set(named.filter((n) => !profiles.has(n))),
    disabled: new Set(config.plugins.disabled),
  });
  // Read from the source tree: the compiled kernel in dist/ has no copy of this JSON.
  const builtinCommandsFile = join(PROJECT_ROOT, 'cli', 'builtin-commands.json');
  const builtinCommands = BuiltinCommandsSchema.parse(JSON.parse(await readFile(builtinCommandsFile, 'utf8'))).commands;
  const commands: IndexedCommand[] = builtinCommands.map((c) => ({ ...c, plugin: 'kernel' }));
  for (const plugin of selection.ordered) {
    for (const command of plugin.manifest.contributes.commands) {
      if (commands.some((c) => c.name === command.name)) continue; // first plugin wins; the host's own always
      commands.push({ ...command, plugin: plugin.manifest.id });
    }
  }
  const unselected = selection.notSelected.flatMap((p) =>
    p.manifest.contributes.commands.map((c) => ({ name: c.name, plugin: p.manifest.id, profiles: p.manifest.profiles })),
  );
  const fingerprint = await fingerprintOf(paths.builtinPluginsDir, [builtinCommandsFile, ...discovery.manifestFiles]);
  const known = new Set(discovery.plugins.map((p) => p.manifest.id));
  const unknownSelections = named.filter((n) => !profiles.has(n) && !known.has(n));
  return { fingerprint, selection: options.plugins ?? '', commands, unselected, unknownSelections };
}

/** Builds the index and stores it for the next `orch` call; a cache that cannot be written is skipped. */
const MAX_CACHE_ENTRIES = 20;

export async function buildAndCacheCommandIndex(options: { home?: string; plugins?: string; cacheFile: string; cacheKey: string }): Promise<CommandIndex> {
  const index = await buildCommandIndex(options);
  try {
    let cache: Record<string, CommandIndex> = {};
    try {
      cache = JSON.parse(await readFile(options.cacheFile, 'utf8')) as Record<string, CommandIndex>;
    } catch {
      // no cache yet, or unreadable: start afresh
    }
    cache[options.cacheKey] = { ...index, savedAt: Date.now() };
    const keys = Object.keys(cache).sort((a, b) => (cache[b]!.savedAt ?? 0) - (cache[a]!.savedAt ?? 0));
    for (const stale of keys.slice(MAX_CACHE_ENTRIES)) delete cache[stale];
    await writeFileAtomic(options.cacheFile, toStoredJson(cache));
  } catch {
    // The cache only makes help faster; a read-only home still works.
  }
  return index;
}

async function fingerprintOf(pluginsDir: string, files: string[]): Promise<Fingerprint> {
  let pluginFolders: string[] = [];
  try {
    pluginFolders = (await readdir(pluginsDir)).sort();
  } catch {
    pluginFolders = [];
  }
  const entries: Record<string, string> = {};
  // Every folder's manifest path, present or not, so adding plugin.json to an existing folder is noticed.
  const manifests = pluginFolders.map((folder) => join(pluginsDir, folder, 'plugin.json'));
  for (const file of new Set([...files, ...manifests])) {
    try {
      const info = await stat(file);
      entries[file] = `${info.mtimeMs}:${info.size}`;
    } catch {
      entries[file] = 'missing';
    }
  }
  return { kernelVersion: KERNEL_VERSION, pluginsDir, pluginFolders, files: entries };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

#!/usr/bin/env node
// The `orch` CLI host. Commands come from plugin manifests through a command index that is cached
// with a fingerprint of the files it was built from, so `orch --help` (and argument errors) need no
// TypeScript, no Zod and no plugin code. A command runs the compiled JavaScript of dist/ when it is
// current (`npm run build`; `npm ci` and `npm start` build it), else the TypeScript sources through tsx.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { GLOBAL_OPTIONS, parseCommandLine } from './command-line.mjs';
import { compiledDist } from './compiled.mjs';
import { YARGS_BUNDLE } from './vendor-bundles.mjs';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const globals = peekGlobals(argv);
const home = resolve(globals.home ?? process.env.ORCH_HOME ?? projectRoot);
// One cache per installation; an entry per (--plugins, config/orch.json) pair. Homes without a
// config share the entry, so even a brand-new home starts fast.
const cacheFile = join(projectRoot, 'node_modules', '.cache', 'orch', 'cli-index.json');
const cacheKey = `${projectRoot}|${globals.plugins ?? ""}|${configKey()}`;

let tsxReady;
let currentDist;
/** dist/ when it is current (asked once: the answer walks the source tree). */
function distIfCurrent() {
  currentDist ??= { path: compiledDist(projectRoot) };
  return currentDist.path;
}

/** A module of the CLI host (`cli/run-command`): compiled from dist/ when current, else its TypeScript source. */
async function importHost(modulePath) {
  const dist = distIfCurrent();
  if (dist) return import(pathToFileURL(join(dist, `${modulePath}.js`)).href);
  tsxReady ??= import('tsx/esm/api').then(({ register }) => register({ tsconfig: join(projectRoot, 'tsconfig.json') }));
  await tsxReady;
  return import(pathToFileURL(join(projectRoot, `${modulePath}.ts`)).href);
}

const index = readCachedIndex() ?? (await buildIndex().catch(fatal));
if (index.unknownSelections?.length) {
  fatal(new Error(`--plugins names no profile or plugin called ${index.unknownSelections.map((n) => `"${n}"`).join(', ')} (profiles: business, ops; \`orch plugins:list\` shows the plugin ids)`));
}
// `orch --help` and `orch <command> --help` are answered from the text cached with the index (no yargs).
const helpKey = helpRequestKey(argv);
const cachedHelp = helpKey && index.help?.[helpKey];
// A plainly valid line naming a known command runs without yargs (bin/command-line.mjs); the rest —
// help, errors, suggestions — goes through yargs.
const named = helpKey ? undefined : index.commands.find((c) => c.name === commandWord(argv));
const plainArgs = named && (await parseCommandLine(argv, named));
if (cachedHelp) {
  process.stdout.write(cachedHelp);
} else if (plainArgs) {
  await runIndexedCommand(named, plainArgs);
} else {
  const cli = await buildCli(index);
  if (helpKey) await answerAndCacheHelp(cli, helpKey);
  else await cli.parseAsync();
}

/** Runs a command of the index with its parsed arguments, booting the kernel (compiled or from source). */
async function runIndexedCommand(command, args) {
  const { runCommand } = await importHost('cli/run-command');
  process.exitCode = await runCommand(command, args, {
    home: globals.home,
    json: args.json,
    operator: args.operator,
    plugins: args.plugins,
  });
}

/** `<command word>|<terminal width>` for a plain help request (`--help` / `-h`, at most a command word), else undefined. */
function helpRequestKey(args) {
  if (!args.includes('--help') && !args.includes('-h')) return undefined;
  const words = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--home' || args[i] === '--plugins' || args[i] === '--operator') i += 1;
    else if (!args[i].startsWith('-')) words.push(args[i]);
  }
  // Only the general help and the help of a known command are kept (never one per typo).
  if (words.length > 1 || (words[0] !== undefined && !index.commands.some((c) => c.name === words[0]))) return undefined;
  return `${words[0] ?? ''}|${Math.min(110, process.stdout.columns || 100)}`;
}

/** Lets yargs print the help, keeps its text with the cached index for the next time. */
async function answerAndCacheHelp(cli, key) {
  let text = '';
  const log = console.log;
  console.log = (...parts) => (text += `${parts.join(' ')}\n`);
  try {
    await cli.exitProcess(false).parseAsync();
  } finally {
    console.log = log;
  }
  process.stdout.write(text);
  if (!text || process.exitCode) return;
  try {
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
    if (!cache[cacheKey]) return;
    cache[cacheKey].help = { ...cache[cacheKey].help, [key]: text };
    const temp = `${cacheFile}.${process.pid}.tmp`;
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(temp, `${JSON.stringify(cache)}\n`);
    renameSync(temp, cacheFile);
  } catch {
    // A cache that cannot be written only costs the next --help some time.
  }
}


/** The command word: the first argument that is neither an option nor an option's value. */
function commandWord(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    // Global options that take a value: their value is not the command word.
    if (arg === '--home' || arg === '--operator' || arg === '--plugins') {
      i += 1;
      continue;
    }
    if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** For a command of a discovered plugin that is not selected: which plugin and profile have it, and how to load it. */
function notSelectedHint(index, name) {
  const hidden = index.unselected.find((c) => c.name === name);
  if (!hidden) return undefined;
  const profile = hidden.profiles.find((p) => p !== 'core') ?? hidden.profiles[0];
  const flag = profile === 'ops' ? 'business,ops' : (profile ?? hidden.plugin);
  return (
    `orch: ${name} is a command of plugin ${hidden.plugin} (profile ${hidden.profiles.join(', ')}), which is not loaded.\n` +
    `Load it for one call with --plugins ${flag} (e.g. orch ${name} --plugins ${flag}), or for every call add "${profile ?? hidden.plugin}" to plugins.profiles in config/orch.json` +
    ` (and make sure plugins.disabled does not name ${hidden.plugin}).\n`
  );
}

/** yargs, from its one-file bundle in dist/ when that is current (a third of the modules to load), else node_modules/. */
async function importYargs() {
  if (distIfCurrent()) {
    try {
      return await import(pathToFileURL(join(projectRoot, YARGS_BUNDLE)).href);
    } catch {
      // A build without bundles (no esbuild): the package itself.
    }
  }
  return import('yargs');
}

async function buildCli(index) {
  const { default: yargs } = await importYargs();
  const cli = yargs(argv)
    .scriptName('orch')
    .usage('Orch — plans of tasks, AI agents and MCP tools, run on their own; people approve where it matters.\n\nUsage: orch <command> [options]')
    .options(Object.fromEntries(Object.entries(GLOBAL_OPTIONS).map(([name, option]) => [name, { ...option, global: true }])))
    .strict()
    .recommendCommands()
    .demandCommand(1, 'Name a command; `orch --help` lists them.')
    .help()
    .alias('help', 'h')
    .version(readVersion())
    .wrap(Math.min(110, process.stdout.columns || 100))
    .epilogue('Operations-only commands live in the ops profile: add --plugins business,ops. Docs: docs/index.md')
    .fail((message, error, y) => {
      if (error) throw error;
      // "Unknown argument: executions:tool-streams" — say which plugin has it and how to load it.
      const unknown = /^Unknown arguments?: (.+)$/.exec(message ?? '');
      const hint = unknown && unknown[1].split(', ').map((name) => notSelectedHint(index, name)).find(Boolean);
      if (hint) {
        process.stderr.write(hint);
        process.exit(1);
      }
      process.stderr.write(`orch: ${message}\nRun \`orch --help\` for the list of commands, or \`orch <command> --help\`.\n`);
      process.exit(1);
    });
  const first = commandWord(argv);
  if (first && !index.commands.some((c) => c.name === first)) {
    const hint = notSelectedHint(index, first);
    if (hint) {
      process.stderr.write(hint);
      process.exit(1);
    }
  }
  // Running a command needs only its own definition: the others matter to the general help, a typo's
  // suggestion and the not-loaded hint, none of which applies when the first word names a command.
  const named = helpKey?.startsWith('|') ? undefined : index.commands.find((c) => c.name === first);
  for (const command of named ? [named] : index.commands) {
    const positionals = command.positionals
      .map((p) => (p.required ? `<${p.name}${p.variadic ? '..' : ''}>` : `[${p.name}${p.variadic ? '..' : ''}]`))
      .join(' ');
    cli.command(
      positionals ? `${command.name} ${positionals}` : command.name,
      command.description,
      (y) => {
        // A command's own --version (e.g. plan:show --version 2) replaces yargs' built-in flag there.
        if (command.options.version) y.version(false);
        for (const p of command.positionals) y.positional(p.name, { type: p.type, description: p.description });
        for (const [name, option] of Object.entries(command.options)) y.option(name, option);
        for (const [example, description] of command.examples) y.example(example, description);
        return y;
      },
      (args) => runIndexedCommand(command, args),
    );
  }
  return cli;
}

/** `--home` and `--plugins` are needed before yargs runs, to find the right command index. */
function peekGlobals(args) {
  const found = {};
  for (let i = 0; i < args.length; i++) {
    for (const name of ['home', 'plugins']) {
      if (args[i] === `--${name}` && args[i + 1] !== undefined) found[name] = args[i + 1];
      else if (args[i].startsWith(`--${name}=`)) found[name] = args[i].slice(name.length + 3);
    }
  }
  return found;
}

function readCachedIndex() {
  try {
    const cache = JSON.parse(readFileSync(cacheFile, 'utf8'));
    const index = cache[cacheKey];
    return index && isFresh(index.fingerprint) ? index : undefined;
  } catch {
    return undefined;
  }
}

function isFresh(fingerprint) {
  if (fingerprint.kernelVersion !== readVersion()) return false;
  let folders = [];
  try {
    folders = readdirSync(fingerprint.pluginsDir).sort();
  } catch {
    folders = [];
  }
  if (folders.join('\n') !== fingerprint.pluginFolders.join('\n')) return false;
  for (const [file, expected] of Object.entries(fingerprint.files)) {
    let actual = 'missing';
    try {
      const info = statSync(file);
      actual = `${info.mtimeMs}:${info.size}`;
    } catch {
      actual = 'missing';
    }
    if (actual !== expected) return false;
  }
  return true;
}

async function buildIndex() {
  const { buildAndCacheCommandIndex } = await importHost('cli/command-index');
  return buildAndCacheCommandIndex({ home: globals.home, plugins: globals.plugins, cacheFile, cacheKey });
}

/**
 * The config's part of the cache key: its content, and the home only when it lists plugin packages
 * (they are found relative to the home). So homes with the same config share one entry, and a run of
 * tests or benchmarks with a home each does not push every other entry out of the cache.
 */
function configKey() {
  let content;
  try {
    content = readFileSync(join(home, 'config', 'orch.json'));
  } catch {
    return 'no-config';
  }
  const digest = createHash('sha1').update(content).digest('hex');
  try {
    if (!(JSON.parse(content.toString('utf8'))?.plugins?.packages?.length > 0)) return digest;
  } catch {
    // malformed: the command reports it; keep the entry to this home
  }
  return `${home}:${digest}`;
}

/** A configuration problem found before any command could run: one clear line, exit 1. */
function fatal(error) {
  process.stderr.write(`orch: ${error?.message ?? error}\n`);
  process.exit(1);
}

function readVersion() {
  return JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version;
}

import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error plain JavaScript module of the CLI host, no type declarations
import { GLOBAL_OPTIONS } from '../../bin/command-line.mjs';
import { buildCommandIndex, type IndexedCommand } from '../../cli/command-index.js';
import { CommandContributionSchema } from '../../kernel/index.js';

/**
 * Every `orch …` and `npm run …` command that README.md and docs/ show must exist as written: the
 * command is declared by a plugin manifest, each `--option` is one of its options or a global one,
 * and it is given no more arguments than it takes. A renamed option otherwise lives on in a page
 * that a newcomer copies. (docs/cli.md is generated from the manifests; docs/first-10-minutes.md
 * is also executed, by test/acceptance.)
 */
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const GLOBAL_OPTION_NAMES = new Set([...Object.keys(GLOBAL_OPTIONS), 'help', 'h', 'version']);

interface DocCommand {
  file: string;
  line: number;
  text: string;
}

describe('docs: every orch and npm command shown in README.md and docs/ exists as written', function () {
  this.timeout(60_000);
  let commands: Map<string, IndexedCommand>;
  let scripts: Set<string>;
  let shown: DocCommand[];

  before(async () => {
    const home = await mkdtemp(join(tmpdir(), 'orch-docs-commands-'));
    try {
      const index = await buildCommandIndex({ home, plugins: 'business,ops' });
      commands = new Map(index.commands.map((c) => [c.name, c]));
    } finally {
      await rm(home, { recursive: true, force: true });
    }
    // The example third-party package's command, which docs/plugins.md shows.
    const greeter = JSON.parse(await readFile(join(projectRoot, 'examples/orch-plugin-greeter/package.json'), 'utf8'));
    for (const raw of greeter.orch.contributes.commands) commands.set(raw.name, { ...CommandContributionSchema.parse(raw), plugin: 'greeter' });
    scripts = new Set(Object.keys(JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')).scripts));
    const files = ['README.md', ...(await readdir(join(projectRoot, 'docs'))).filter((f) => f.endsWith('.md') && f !== 'cli.md').map((f) => `docs/${f}`)];
    shown = (await Promise.all(files.map(async (file) => commandsIn(file, await readFile(join(projectRoot, file), 'utf8'))))).flat();
  });

  it('finds the commands it checks', () => {
    // A parser that silently finds nothing would pass every check below.
    expect(shown.filter((c) => c.text.startsWith('orch ')).length).to.be.greaterThan(100);
    expect(shown.filter((c) => c.text.startsWith('npm run ')).length).to.be.greaterThan(3);
  });

  it('names only commands and options that exist', () => {
    const problems = shown.flatMap((c) => problemsOf(c, commands, scripts).map((p) => `${c.file}:${c.line}: \`${c.text}\` — ${p}`));
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });
});

/** Commands in fenced shell blocks (one per line, after `$ ` or `&&`) and in inline code spans. */
function commandsIn(file: string, text: string): DocCommand[] {
  const found: DocCommand[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const opening = /^(```+|~~~+)\s*([\w-]*)/.exec(line);
    if (opening) {
      fence = fence ? undefined : (opening[2] || 'text');
      return;
    }
    const candidates = fence ? (['sh', 'bash', 'shell', 'console', 'text'].includes(fence) ? [line] : []) : [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    for (const candidate of candidates) {
      for (const part of candidate.replace(/^\$\s+/, '').split(/\s+(?:&&|;)\s+/)) {
        const command = part.trim().replace(/^(?:npx |node bin\/orch\.js )/, (m) => (m.startsWith('node') ? 'orch ' : '')).replace(/^orch\s+/, 'orch ');
        if (/^orch [a-z-]/.test(command) || /^npm run [a-z]/.test(command)) found.push({ file, line: i + 1, text: command.replace(/\s+#.*$/, '') });
      }
    }
  });
  return found;
}

function problemsOf(shown: DocCommand, commands: Map<string, IndexedCommand>, scripts: Set<string>): string[] {
  const words = shellWords(shown.text);
  if (words[0] === 'npm') return scripts.has(words[2]!) ? [] : [`package.json has no script "${words[2]}"`];
  const args = words.slice(1);
  // `orch approvals:list | show | approve` lists sibling commands; only the first is a command line.
  const pipe = args.indexOf('|');
  const line = pipe >= 0 ? args.slice(0, pipe) : args;
  const positionals: string[] = [];
  const options: string[] = [];
  let name: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const word = line[i]!.replace(/^\[|\]$/g, '');
    if (word.startsWith('-')) {
      const option = word.replace(/^-+/, '').split('=')[0]!;
      options.push(option);
      // The next word is the option's value unless the option is a flag or the value was given with `=`.
      const declared = name ? commands.get(name)?.options[option.replace(/^no-/, '')] : undefined;
      const flag = declared ? declared.type === 'boolean' : ['json', 'help', 'h', 'version'].includes(option) || option.startsWith('no-');
      if (!word.includes('=') && !flag && i + 1 < line.length && !line[i + 1]!.startsWith('-')) i++;
    } else if (name === undefined) name = word;
    else positionals.push(word);
  }
  if (name === undefined || name === '…' || name.startsWith('<')) return [];
  const command = commands.get(name);
  if (!command) return [`no plugin declares a command "${name}"`];
  const problems: string[] = [];
  for (const option of options) {
    const bare = option.replace(/^no-/, '');
    const known = GLOBAL_OPTION_NAMES.has(option) || option in command.options || Object.values(command.options).some((o) => o.alias === option);
    const negated = option.startsWith('no-') && command.options[bare]?.type === 'boolean';
    if (!known && !negated && option !== '' && option !== '…') problems.push(`${name} has no option --${option}`);
  }
  const variadic = command.positionals.some((p) => p.variadic);
  const given = positionals.filter((p) => p !== '…' && p !== '|');
  if (!variadic && given.length > command.positionals.length) {
    problems.push(`${name} takes ${command.positionals.length} argument(s), the page gives ${given.length}: ${given.join(' ')}`);
  }
  return problems;
}

/** Splits like a POSIX shell for what docs show: quotes group words, `\` escapes the next character. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

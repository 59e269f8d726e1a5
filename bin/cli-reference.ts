// Writes the CLI reference (docs/cli.md) from the plugin manifests — the same command index `orch`
// builds its yargs tree from — so the page can never disagree with `orch --help`.
// Usage: npm run docs:cli   (test/kernel/cli-reference.test.ts fails when docs/cli.md is not current)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCommandIndex, type IndexedCommand } from '../cli/command-index.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
export const CLI_REFERENCE_FILE = join(projectRoot, 'docs', 'cli.md');

/** The reference page for every built-in plugin's commands (all profiles), grouped by plugin. */
export async function renderCliReference(): Promise<string> {
  // An empty home: only the installation's built-in plugins, whatever this checkout's config says.
  const home = await mkdtemp(join(tmpdir(), 'orch-cli-reference-'));
  try {
    const index = await buildCommandIndex({ home, plugins: 'business,ops' });
    const byPlugin = new Map<string, IndexedCommand[]>();
    for (const command of index.commands) byPlugin.set(command.plugin, [...(byPlugin.get(command.plugin) ?? []), command]);
    const lines = [
      '# CLI reference',
      '',
      'Generated from the plugin manifests by `npm run docs:cli` (a test fails when this page is out of date).',
      'Every command also takes the global options `--home <dir>`, `--json`, `--operator <name>` and',
      '`--plugins <profiles and ids>`; `orch <command> --help` prints the same text in the terminal.',
      'Commands of the `ops` profile need `--plugins business,ops`.',
      '',
    ];
    for (const [plugin, commands] of [...byPlugin].sort(([a], [b]) => (a === 'kernel' ? -1 : b === 'kernel' ? 1 : a.localeCompare(b)))) {
      lines.push(`## ${plugin === 'kernel' ? 'The kernel' : `Plugin \`${plugin}\``}`, '');
      for (const command of [...commands].sort((a, b) => a.name.localeCompare(b.name))) lines.push(...commandSection(command));
    }
    return `${lines.join('\n').trimEnd()}\n`;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function commandSection(command: IndexedCommand): string[] {
  const positionals = command.positionals.map((p) => (p.required ? `<${p.name}${p.variadic ? '..' : ''}>` : `[${p.name}${p.variadic ? '..' : ''}]`));
  const lines = [`### \`orch ${[command.name, ...positionals].join(' ')}\``, '', escape(command.description), ''];
  const rows = [
    ...command.positionals.map((p) => `| \`${p.name}\` | ${p.type}${p.required ? ', required' : ''}${p.variadic ? ', one or more' : ''} | ${escape(p.description)} |`),
    ...Object.entries(command.options).map(
      ([name, o]) =>
        `| \`--${name}\`${o.alias ? ` (\`-${o.alias}\`)` : ''} | ${o.type}${o.default !== undefined ? `, default \`${JSON.stringify(o.default)}\`` : ''}${o.choices ? `, one of ${o.choices.map((c) => `\`${c}\``).join(', ')}` : ''}${o.demandOption ? ', required' : ''} | ${escape(o.description)} |`,
    ),
  ];
  if (rows.length > 0) lines.push('| argument | kind | meaning |', '| --- | --- | --- |', ...rows, '');
  if (command.examples.length > 0) {
    lines.push('Examples:', '');
    for (const [example, description] of command.examples) lines.push(`- \`${example}\` — ${escape(description)}`);
    lines.push('');
  }
  return lines;
}

/** Markdown-safe prose: `<name>` would be read as an HTML tag, `|` would end a table cell. */
function escape(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(CLI_REFERENCE_FILE, await renderCliReference());
  process.stderr.write(`Wrote ${CLI_REFERENCE_FILE}\n`);
}

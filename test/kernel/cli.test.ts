import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInstallation, echoPluginSource, type Installation } from '../support/kernel-installation.js';
import { runOrch } from '../support/server-process.js';

const greeterPackage = fileURLToPath(new URL('../../examples/orch-plugin-greeter', import.meta.url));

const manifest = (id: string, command: string, extra: Record<string, unknown> = {}) => ({
  id,
  version: '1.2.3',
  kernel: '^0.1.0',
  profiles: ['business'],
  entry: 'index.ts',
  contributes: {
    commands: [
      {
        name: command,
        description: `The ${command} command`,
        positionals: [{ name: 'who', description: 'Someone', required: false }],
        options: { loud: { type: 'boolean', description: 'Louder' } },
      },
    ],
  },
  ...extra,
});

describe('orch CLI host', function () {
  this.timeout(120_000);
  let install: Installation;
  before(async () => {
    install = await createInstallation();
  });
  after(() => install.cleanup());

  it('builds --help from manifests; adding a plugin folder adds its command, deleting it removes it', async () => {
    let help = await install.orch(['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain('plugins:list').and.contain('start');
    expect(help.stdout).not.to.contain('hello:say');

    await install.addPlugin('hello', manifest('hello', 'hello:say'), echoPluginSource('hello:say', 'hi'));
    help = await install.orch(['--help']);
    expect(help.stdout).to.contain('hello:say').and.contain('The hello:say command');

    const run = await install.orch(['hello:say', 'Ada']);
    expect(run.stderr).to.equal('');
    expect(run.stdout.trim()).to.equal('hi Ada');
    expect(run.code).to.equal(0);

    const json = await install.orch(['hello:say', '--json']);
    expect(JSON.parse(json.stdout)).to.deep.equal({ text: 'hi', who: null });

    await install.removePlugin('hello');
    help = await install.orch(['--help']);
    expect(help.stdout).not.to.contain('hello:say');
    const gone = await install.orch(['hello:say']);
    expect(gone.code).to.equal(1);
  });

  it('notices a manifest added to a plugin folder that already existed', async () => {
    await mkdir(join(install.root, 'plugins', 'late'), { recursive: true });
    expect((await install.orch(['--help'])).stdout).not.to.contain('late:go');
    await install.addPlugin('late', manifest('late', 'late:go'), echoPluginSource('late:go', 'late'));
    expect((await install.orch(['--help'])).stdout).to.contain('late:go');
    await install.removePlugin('late');
  });

  it('help of a command lists its manifest options without loading plugin code', async () => {
    // The entry module would throw if imported: help must not import it.
    await install.addPlugin('lazy', manifest('lazy', 'lazy:run'), "throw new Error('plugin code was imported');\n");
    const help = await install.orch(['lazy:run', '--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain('--loud').and.contain('Louder');
    const run = await install.orch(['lazy:run']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('lazy').and.contain('plugin code was imported');
    await install.removePlugin('lazy');
  });

  it('a manifest with a bad field is refused in plugins:list with file and field; the others load; exit 0', async () => {
    await install.addPlugin('good', manifest('good', 'good:go'), echoPluginSource('good:go', 'ok'));
    await install.addPlugin('bad', manifest('bad', 'bad:go', { profiles: ['gold'] }), echoPluginSource('bad:go', 'no'));
    const list = await install.orch(['plugins:list']);
    expect(list.code).to.equal(0);
    const badLine = list.stdout.split('\n').find((l) => l.startsWith('bad '))!;
    expect(badLine).to.contain('refused').and.contain(join(install.root, 'plugins', 'bad', 'plugin.json')).and.contain('profiles.0');
    expect(list.stdout.split('\n').find((l) => l.startsWith('good '))).to.contain('loaded');

    const json = await install.orch(['plugins:list', '--json']);
    const rows = JSON.parse(json.stdout) as { id: string; status: string }[];
    expect(rows.find((r) => r.id === 'good')!.status).to.equal('loaded');
    expect(rows.find((r) => r.id === 'bad')!.status).to.equal('refused');

    const help = await install.orch(['--help']);
    expect(help.stdout).to.contain('good:go');
    expect(help.stdout).not.to.contain('bad:go');
    await install.removePlugin('bad');
    await install.removePlugin('good');
  });

  it('unknown commands and bad arguments exit 1 with a clear message and a suggestion', async () => {
    const unknown = await install.orch(['plugins:lst']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain('Did you mean plugins:list');
    const badOption = await install.orch(['plugins:list', '--colour']);
    expect(badOption.code).to.equal(1);
    expect(badOption.stderr).to.contain('Unknown argument: colour');
    const none = await install.orch([]);
    expect(none.code).to.equal(1);
    const typo = await install.orch(['plugins:list', '--plugins', 'busines']);
    expect(typo.code).to.equal(1);
    expect(typo.stderr).to.contain('"busines"');
  });

  it('a malformed config/orch.json is one clear line naming the file and field, exit 1', async () => {
    const home = await mkdtemp(join(tmpdir(), 'orch-bad-config-'));
    try {
      await mkdir(join(home, 'config'));
      // A kernel section: even --help refuses it.
      await writeFile(join(home, 'config', 'orch.json'), '{ "logging": { "level": "loud" } }');
      const result = await install.orch(['--help', '--home', home]);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.contain(join(home, 'config', 'orch.json')).and.contain('logging.level');
      expect(result.stderr).not.to.contain('    at ');
      // A plugin's section (the real installation's server plugin): the plugin that owns it names the file and field, and orch start refuses to run without it.
      await writeFile(join(home, 'config', 'orch.json'), '{ "server": { "port": "high" } }');
      const start = await runOrch(['start', '--home', home]);
      expect(start.code).to.equal(1);
      expect(start.stderr).to.contain(join(home, 'config', 'orch.json')).and.contain('server.port');
      expect(start.stderr).not.to.contain('    at ');
      // A section no plugin declares is a typo or a leftover: named, exit 1.
      await writeFile(join(home, 'config', 'orch.json'), '{ "sever": { "port": 1 } }');
      const typo = await install.orch(['plugins:list', '--home', home]);
      expect(typo.code).to.equal(1);
      expect(typo.stderr).to.contain('"sever"');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('a third-party package listed in config/orch.json adds a command and a node type; unlisting removes them', async () => {
    await mkdir(join(install.home, 'config'), { recursive: true });
    await writeFile(join(install.home, 'config', 'orch.json'), JSON.stringify({ plugins: { packages: [greeterPackage] } }));
    const help = await install.orch(['--help']);
    expect(help.stdout).to.contain('greet <name>');
    const run = await install.orch(['greet', 'Ada', '--shout']);
    expect(run.stdout.trim()).to.equal('HELLO, ADA!');
    const list = await install.orch(['plugins:list', '--json']);
    const greeter = (JSON.parse(list.stdout) as { id: string; status: string; source: string }[]).find((r) => r.id === 'greeter')!;
    expect(greeter).to.include({ status: 'loaded', source: 'package' });

    await writeFile(join(install.home, 'config', 'orch.json'), JSON.stringify({ plugins: { packages: [] } }));
    expect((await install.orch(['--help'])).stdout).not.to.contain('greet <name>');
  });

  it('after running commands, logs/ holds only app.jsonl and every line has category, level and time', async () => {
    await install.addPlugin('hello', manifest('hello', 'hello:say'), echoPluginSource('hello:say', 'hi'));
    await install.orch(['hello:say', 'Bob', '--operator', 'carol']);
    expect(await readdir(join(install.home, 'logs'))).to.deep.equal(['app.jsonl']);
    const lines = (await readFile(join(install.home, 'logs', 'app.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.length).to.be.greaterThan(0);
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry).to.include.keys('category', 'level', 'time', 'operator');
    }
    const echo = lines.map((l) => JSON.parse(l) as Record<string, any>).filter((l) => l.msg === 'echo ran').pop()!;
    expect(echo.operator).to.equal('carol');
    expect(echo.params.token).to.equal('[REDACTED]');
    await install.removePlugin('hello');
  });

  it('orch start runs the lifecycle and stops gracefully on SIGTERM (exit 0, stop hooks ran)', async () => {
    const marker = join(install.home, 'stopped.txt');
    await install.addPlugin(
      'lifecycle',
      { id: 'lifecycle', version: '1.0.0', kernel: '^0.1.0', profiles: ['business'], entry: 'index.ts' },
      `import { writeFile } from 'node:fs/promises';
import { definePlugin } from '../../kernel/index.js';
export default definePlugin({
  start: ({ logger }) => logger.info('lifecycle started'),
  stop: () => writeFile(${JSON.stringify(marker)}, 'stopped'),
});
`,
    );
    const child = spawn(process.execPath, [join(install.root, 'bin', 'orch.js'), 'start'], { env: { ...process.env, ORCH_HOME: install.home } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 600 && !stderr.includes('started in'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).to.contain('lifecycle');
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
    expect(await readFile(marker, 'utf8')).to.equal('stopped');
    await install.removePlugin('lifecycle');
  });

  it('--home wins over ORCH_HOME: each home keeps its own logs and state', async () => {
    const other = await mkdtemp(join(tmpdir(), 'orch-other-home-'));
    try {
      const result = await install.orch(['plugins:list', '--home', other]);
      expect(result.code).to.equal(0);
      expect(await readdir(join(other, 'logs'))).to.deep.equal(['app.jsonl']);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../../kernel/index.js';
import { ToolStreamsFileSchema } from '../../plugins/mcp-bridge/api/index.js';
import { freePort, httpAlias, sampleStdio, waitUntilGone } from '../support/mcp-peers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const ORCH = fileURLToPath(new URL('../../bin/orch.js', import.meta.url));

function orch(home: TestHome, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ORCH, ...args, '--home', home.dir], { env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const LOCAL = '(no Orch server running — opened a private MCP session for this command)';

describe('mcp: the mcp:* commands', function () {
  this.timeout(120_000);
  let home: TestHome;

  describe('with no Orch server running', () => {
    before(async () => {
      const dead = await freePort();
      home = await createTestHome({
        'mcp.servers.json': { sample: sampleStdio(), away: httpAlias(`http://127.0.0.1:${dead}/mcp`, { required: true, connectTimeoutMs: 2000 }) },
      });
    });
    after(() => home.cleanup());

    it('mcp:status opens its own session, says so, and points at the server that is down', async () => {
      const { code, stdout, stderr } = await orch(home, ['mcp:status']);
      expect(stderr).to.contain(LOCAL);
      expect(stdout).to.match(/^ALIAS +TRANSPORT +STATE +TOOLS +SESSION +DETAIL$/m);
      expect(stdout).to.match(/^sample +stdio +connected +4 +pid \d+/m);
      expect(stdout).to.match(/^away \* +http +reconnecting +0 +- +fetch failed .*ECONNREFUSED.*; retry #1 in \d+ s$/m);
      expect(stderr).to.contain('away is not connected — check that the MCP server is running');
      expect(code, 'a required alias is down').to.equal(1);
    });

    it('mcp:tools lists arguments and mcp:call prints the result and records the call', async () => {
      const tools = await orch(home, ['mcp:tools', 'sample']);
      expect(tools.code).to.equal(0);
      expect(tools.stdout).to.match(/^hash_text +text\*: string, algorithm: "sha256"\|"sha1"\|"sha512"\|"md5" +Returns the hex digest/m);

      const call = await orch(home, ['mcp:call', 'sample', 'hash_text', '--args', '{"text":"abc","token":"t0ps3cret"}']);
      expect(call.code).to.equal(0);
      expect(call.stdout.split('\n')[0]).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      const records = ToolStreamsFileSchema.parse(JSON.parse(await readFile(join(home.dir, 'state', 'tool-streams.json'), 'utf8'))).records;
      expect(records.at(-1)).to.deep.include({ alias: 'sample', tool: 'hash_text', caller: 'cli', outcome: 'ok', args: { text: 'abc', token: '[REDACTED]' } });
    });

    it('mcp:call tells the user to check an unreachable MCP server, and explains bad --args', async () => {
      const away = await orch(home, ['mcp:call', 'away', 'anything']);
      expect(away.code).to.equal(1);
      expect(away.stderr).to.match(/^Error: MCP server away is not connected — check that it is running; next retry in \d+ s\. Last error: fetch failed/m);
      const bad = await orch(home, ['mcp:call', 'sample', 'hash_text', '--args', '{text: abc}']);
      expect(bad.code).to.equal(1);
      expect(bad.stderr).to.match(/^Error: --args is not valid JSON: .*Example: --args '\{"text": "hello"\}'$/m);
      const isError = await orch(home, ['mcp:call', 'sample', 'json_transform', '--args', '{"data":1,"expression":"$x("}']);
      expect(isError.code).to.equal(1);
      expect(isError.stderr).to.contain('MCP tool sample/json_transform reported an error: Invalid JSONata expression');
    });

    it('executions:tool-streams lives in the ops profile', async () => {
      const hidden = await orch(home, ['executions:tool-streams']);
      expect(hidden.code).to.equal(1);
      expect(hidden.stderr).to.contain('executions:tool-streams is a command of plugin ops-tool-streams (profile ops), which is not loaded');
      expect(hidden.stderr).to.contain('--plugins business,ops').and.contain('"ops" to plugins.profiles in config/orch.json');
      // The same whatever comes first: --home <folder> or --plugins <list> before the command is no command word.
      for (const args of [['--operator', 'ops-person', 'executions:tool-streams'], ['--plugins', 'business', 'executions:tool-streams']]) {
        const before = await orch(home, args);
        expect(before.code).to.equal(1);
        expect(before.stderr, args.join(' ')).to.contain('is a command of plugin ops-tool-streams').and.not.contain('Unknown argument');
      }
      const shown = await orch(home, ['executions:tool-streams', '--plugins', 'business,ops', '--errors']);
      expect(shown.code).to.equal(0);
      expect(shown.stdout).to.match(/^\S+ \S+Z +cli +\S+ +sample\/json_transform +error +\d+ +- +Invalid JSONata expression/m);
      expect(shown.stdout).not.to.contain('hash_text');
    });
  });

  describe('with an Orch server running', () => {
    let server: ChildProcess | undefined;
    before(async () => {
      home = await createTestHome({ 'mcp.servers.json': { sample: sampleStdio() } });
      server = spawn(process.execPath, [ORCH, 'start', '--plugins', 'mcp-bridge', '--port', '0', '--home', home.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const watch = (chunk: Buffer): void => {
          output += chunk.toString();
          if (/ started in /.test(output)) resolve();
        };
        server!.stdout!.on('data', watch);
        server!.stderr!.on('data', watch);
        server!.once('exit', (code) => reject(new Error(`orch start exited with ${code}: ${output}`)));
      });
    });
    after(async () => {
      if (server && server.exitCode === null) {
        server.kill('SIGKILL');
        await waitUntilGone(server.pid!);
      }
      await home.cleanup();
    });

    it('goes through the server: its shared session makes and records the call; stopping it leaves no MCP process', async () => {
      const status = await orch(home, ['mcp:status', '--json']);
      expect(status.code).to.equal(0);
      const parsed = JSON.parse(status.stdout) as { via: string; servers: { alias: string; state: string; pid: number }[] };
      expect(parsed.via).to.equal('server');
      const sample = parsed.servers.find((s) => s.alias === 'sample')!;
      expect(sample.state).to.equal('connected');

      const call = await orch(home, ['mcp:call', 'sample', 'text_stats', '--args', '{"text":"a b c"}']);
      expect(call.code).to.equal(0);
      expect(call.stderr).to.match(/^\(through the Orch server at http:\/\/127\.0\.0\.1:\d+, pid \d+\)$/m);
      expect(call.stdout).to.contain('"words": 3');
      const records = ToolStreamsFileSchema.parse(JSON.parse(await readFile(join(home.dir, 'state', 'tool-streams.json'), 'utf8'))).records;
      expect(records.at(-1)).to.deep.include({ tool: 'text_stats', caller: 'cli', pid: server!.pid });

      server!.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
      expect(isAlive(sample.pid)).to.equal(false);
    });
  });
});

import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OrchProcess, runOrch } from '../support/server-process.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const FIELD = 'sample.transport';

/**
 * Issue 12 §6 and §7: an invalid config/mcp.servers.json is reported as invalid — with file and
 * field — by every command that reads it, and a plugin that did not start (the bridge, a package
 * of config/orch.json that cannot be found) is shown by `orch start` and `orch status`.
 */
describe('mcp: an invalid config/mcp.servers.json and a missing plugin package are reported, not hidden', function () {
  this.timeout(180_000);
  let home: TestHome;
  let server: OrchProcess | undefined;
  let file: string;

  before(async () => {
    home = await createTestHome();
    await home.writeConfig('orch.json', { server: { port: 0 }, plugins: { packages: ['orch-plugin-that-does-not-exist'] } });
    await home.writeConfig('mcp.servers.json', { sample: { transport: 'carrier-pigeon', command: 'node' } });
    file = join(home.dir, 'config', 'mcp.servers.json');
    await writeFile(
      join(home.dir, 'tool-plan.json'),
      `${JSON.stringify({ id: 'uses-mcp', name: 'Uses MCP', goal: 'call a tool', root: { id: 'count', type: 'mcp_tool', server: 'sample', tool: 'text_stats', args: {} } })}\n`,
    );
  });
  after(async () => {
    await server?.kill();
    await home.cleanup();
  });

  it('the dry run says the file is invalid, naming file and field (not "defines none")', async () => {
    const result = await runOrch(['plan:dry-run', join(home.dir, 'tool-plan.json'), '--home', home.dir]);
    const output = result.stdout + result.stderr;
    expect(result.code, output).to.not.equal(0);
    expect(output).to.contain(file).and.contain(FIELD);
    expect(output).not.to.contain('defines none');
  });

  it('orch status (no server) shows the failed bridge with file and field, and the missing package', async () => {
    const result = await runOrch(['status', '--home', home.dir]);
    const output = result.stdout + result.stderr;
    expect(output).not.to.contain('no MCP servers configured');
    expect(output).to.match(/Problem\s+plugins: mcp-bridge failed: .*mcp\.servers\.json is invalid: sample\.transport/);
    expect(output).to.contain('orch-plugin-that-does-not-exist refused').and.contain('was not found');
    expect(output).to.contain('(the mcp-bridge plugin did not start');
    const json = JSON.parse((await runOrch(['status', '--json', '--home', home.dir])).stdout) as { bridges: unknown; problems: { section: string; message: string }[] };
    expect(json.bridges).to.equal(null);
    expect(json.problems.map((p) => p.message).join('\n')).to.contain(FIELD);
  });

  it('orch start names the plugins that did not start on its first line and why; orch status through the server says the same', async () => {
    server = OrchProcess.start(home.dir);
    await server.ready(home.dir, 120_000);
    // Both lines: they may reach this pipe in separate chunks.
    for (let i = 0; i < 100 && !(server.stderr.includes('✗ plugin orch-plugin') && server.stderr.includes('✗ plugin mcp-bridge')); i++) await new Promise((r) => setTimeout(r, 100));
    const first = server.stderr.split('\n').find((l) => l.includes(' started in '))!;
    expect(first).to.contain('did not start').and.contain('mcp-bridge (failed)').and.contain('orch-plugin-that-does-not-exist (refused)');
    expect(server.stderr).to.match(/✗ plugin mcp-bridge failed: .*mcp\.servers\.json is invalid: sample\.transport/);
    const result = await runOrch(['status', '--home', home.dir]);
    expect(result.stdout).to.match(/^Server\s+up/m);
    expect(result.stdout).to.match(/mcp-bridge failed: .*sample\.transport/);
    expect(result.stdout).to.contain('orch-plugin-that-does-not-exist refused');
  });
});

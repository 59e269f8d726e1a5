import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestHome, type TestHome } from '../support/test-home.js';

const PROBE = fileURLToPath(new URL('./sdk-probe.ts', import.meta.url));
const MISSING_PROBE = fileURLToPath(new URL('./missing-sdk-probe.ts', import.meta.url));

/** Runs sdk-probe.ts in a child process (a fresh module graph) and returns, per step, the watched packages it had loaded. */
function probe(home: string, role: string, steps: string[]): Promise<Record<string, string[]>> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx/esm', PROBE, home, role, ...steps], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`sdk probe failed: ${stderr || error.message}`));
      const lines = stdout.split('\n').filter((line) => line.startsWith('{"step"')).map((line) => JSON.parse(line) as { step: string; packages: string[] });
      resolve(Object.fromEntries(lines.map((l) => [l.step, l.packages])));
    });
  });
}

/** The agents and mcp-bridge plugins as a kernel loads them when the given packages are not installed. */
function bootWithout(home: string, packages: string[]): Promise<{ id: string; status: string; reason?: string }[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx/esm', MISSING_PROBE, home, ...packages], { timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`missing-sdk probe failed: ${stderr || error.message}`));
      resolve(JSON.parse(stdout.split('\n').find((line) => line.startsWith('['))!) as { id: string; status: string; reason?: string }[]);
    });
  });
}

/**
 * The agents SDK, the OpenAI SDK, the MCP SDK and Ajv cost an idle server about 70 MB and a second
 * of start-up: they are imported by the first call that needs them, not with their plugins.
 */
describe('agents and mcp-bridge: heavy SDKs are loaded on first use', function () {
  this.timeout(300_000);
  let home: TestHome;

  before(async () => {
    home = await createTestHome({ server: { port: 0 } });
  });
  after(async () => home.cleanup());

  it('an idle server with the business plugins (no MCP server, no agent run) loads none of them; a model call loads the OpenAI SDK only', async () => {
    const loaded = await probe(home.dir, 'server', ['idle', 'model']);
    expect(loaded.idle, 'after start').to.deep.equal([]);
    expect(loaded.model, 'after a structured generation on the demo model').to.deep.equal(['openai']);
  });

  it('a missing SDK still fails its plugin when the plugin loads, naming the package, as an eager import did', async () => {
    const plugins = await bootWithout(home.dir, ['@openai/agents', '@modelcontextprotocol/sdk']);
    const agents = plugins.find((p) => p.id === 'agents')!;
    const bridge = plugins.find((p) => p.id === 'mcp-bridge')!;
    expect(agents.status).to.equal('failed');
    expect(agents.reason).to.include("Cannot find package '@openai/agents'");
    expect(bridge.status).to.equal('failed');
    expect(bridge.reason).to.include("Cannot find package '@modelcontextprotocol/sdk'");
    const openai = (await bootWithout(home.dir, ['openai'])).find((p) => p.id === 'agents')!;
    expect(openai.status).to.equal('failed');
    expect(openai.reason).to.include("Cannot find package 'openai'");
  });
});

import { copyFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { startOpenAiServer, jsonReply, type OpenAiTestServer } from '../support/agents-openai-server.js';
import { freePort } from '../support/mcp-peers.js';
import { OrchProcess, runOrch } from '../support/server-process.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The offline demo model as a new user meets it: the bundled config/models.json (default provider
 * `local`, fallback `demo`) on a machine where nothing answers at the `local` address. The Designer,
 * agents in a run of the real server and the Meta Agent then work on the demo model, and every
 * output says so; a reachable provider, or one chosen on purpose, is never replaced by it.
 */
describe('demo-model: the offline demo model through the CLI and the server', function () {
  this.timeout(180_000);
  let home: TestHome;
  let downURL: string;

  before(async () => {
    home = await createTestHome();
    downURL = `http://127.0.0.1:${await freePort()}/v1`;
    const models = JSON.parse(await readFile(join(ROOT, 'config/models.json'), 'utf8')) as { providers: Record<string, { baseURL: string }> };
    models.providers.local!.baseURL = downURL; // nothing listens there, whatever runs on this machine
    await home.writeConfig('models.json', models);
    await copyFile(join(ROOT, 'config/mcp.servers.json'), join(home.dir, 'config/mcp.servers.json'));
    for (const file of await readdir(join(ROOT, 'agents-config'))) await copyFile(join(ROOT, 'agents-config', file), join(home.dir, 'agents-config', file));
  });
  after(async () => {
    await home.cleanup();
  });

  it('designs a valid plan from a documented goal, labelled as the demo model\'s', async () => {
    const designed = await runOrch(['plan:design', 'Triage a support ticket and escalate urgent ones to a person', '--id', 'triage', '--save', '--home', home.dir]);
    expect(designed.code, designed.stderr).to.equal(0);
    expect(designed.stdout).to.include('triage — [demo model] Triage a support ticket');
    expect(designed.stdout).to.include('designed by demo/orch-demo-1 (provider demo) in 1 answer; dry run passed');
    expect(designed.stdout).to.include('Saved as plan triage v1');
  });

  it('runs agents on the demo model in the real server: structured triage, labelled, recorded as demo', async () => {
    const server = OrchProcess.start(home.dir, ['--plugins', 'business']);
    try {
      await server.ready(home.dir);
      const status = await runOrch(['status', '--home', home.dir]);
      expect(status.stdout).to.include('demo (demo/orch-demo-1) answers — canned answers labelled [demo model], not a real model');
      expect(status.stdout).to.include(`provider "local" cannot be used: Model provider "local" at ${downURL} cannot be reached`);
      const run = await runOrch(['run:auto', 'triage', '--input', 'ticket=Please add a dark mode to the reports page, it would be nice.', '--json', '--home', home.dir]);
      expect(run.code, run.stderr + run.stdout).to.equal(0);
      const record = JSON.parse(run.stdout) as { status: string; nodes: Record<string, { status: string; outputSummary?: string }> };
      expect(record.status).to.equal('completed');
      expect(record.nodes.triage!.outputSummary).to.include('"category":"feature_request","urgency":"normal","reason":"[demo model]');
      expect(record.nodes.queue!.status).to.equal('succeeded');
      expect(record.nodes.escalate).to.equal(undefined);
      const log = await readFile(join(home.dir, 'workspace/tickets/triage.log'), 'utf8');
      expect(log).to.match(/^feature_request normal — \[demo model\] picked by keywords .* \(model demo\/orch-demo-1\)\n$/);
    } finally {
      await server.kill();
    }
  });

  it('writes a valid agent config with the Meta Agent, with the sample MCP tool it needs', async () => {
    const generated = await runOrch(['agents:config:generate', 'count words of a text with the sample MCP server', '--name', 'word-counter', '--write', '--home', home.dir]);
    expect(generated.code, generated.stderr).to.equal(0);
    const written = JSON.parse(await readFile(join(home.dir, 'agents-config/word-counter.json'), 'utf8')) as Record<string, unknown>;
    expect(written).to.deep.include({ name: 'word-counter', tools: [{ mcp: 'sample', allow: ['text_stats'] }] });
    expect(written.description).to.match(/^\[demo model\] /);
    const validated = await runOrch(['agents:config:validate', join(home.dir, 'agents-config/word-counter.json'), '--home', home.dir]);
    expect(validated.code, validated.stdout + validated.stderr).to.equal(0);
  });

  describe('switching to a real provider', () => {
    let openai: OpenAiTestServer;
    before(async () => {
      openai = await startOpenAiServer();
    });
    after(async () => {
      await openai.close();
    });

    it('uses the default provider as soon as it answers, and never replaces a provider chosen with ORCH_MODEL_PROVIDER', async () => {
      openai.enqueue(
        jsonReply({ name: 'real-one', description: 'Real.', instructions: 'Be real.', model: { provider: null, name: null }, tools: [], outputSchemaJson: null, maxTurns: 2, riskLevel: 'low', handoffs: [] }),
      );
      const models = JSON.parse(await readFile(join(home.dir, 'config/models.json'), 'utf8')) as { providers: Record<string, { baseURL: string }> };
      models.providers.local!.baseURL = openai.baseURL;
      await home.writeConfig('models.json', models);
      const real = await runOrch(['agents:config:generate', 'be real', '--home', home.dir]);
      expect(real.code, real.stderr).to.equal(0);
      expect(real.stderr).to.include('to llama3.2 (provider local)');
      expect(JSON.parse(real.stdout)).to.deep.include({ name: 'real-one', description: 'Real.' });

      models.providers.local!.baseURL = downURL;
      await home.writeConfig('models.json', models);
      const chosen = await runOrch(['agents:config:generate', 'be real', '--home', home.dir], { ORCH_MODEL_PROVIDER: 'local' });
      expect(chosen.code).to.equal(1);
      expect(chosen.stderr).to.include(`Model provider "local" at ${downURL} cannot be reached (connection refused)`);
    });
  });
});

import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { agentConfig, createAgentsHome, eventually, type AgentsHome } from '../support/agents-home.js';
import { jsonReply, startOpenAiServer, textReply, type OpenAiTestServer } from '../support/agents-openai-server.js';
import { freePort } from '../support/mcp-peers.js';
import { OrchProcess, runOrch } from '../support/server-process.js';

const draft = (name: string) => ({
  name,
  description: 'Says hello.',
  instructions: 'Greet the person named in the input.',
  model: { provider: null, name: null },
  tools: [],
  outputSchemaJson: null,
  maxTurns: 2,
  riskLevel: 'low',
  handoffs: [],
});

const exists = (file: string) => access(file).then(() => true, () => false);

describe('agents: agents:config:* commands as users run them', function () {
  this.timeout(180_000);
  let server: OpenAiTestServer;
  let home: AgentsHome;

  before(async () => {
    server = await startOpenAiServer();
    home = await createAgentsHome({ baseURL: server.baseURL });
  });
  after(async () => {
    await home.cleanup();
    await server.close();
  });

  describe('with no Orch server (on agents-config/ directly)', () => {
    it('generates and writes an agent, lists, shows and removes it, refusing to overwrite without --force', async () => {
      server.enqueue(jsonReply(draft('greeter')));
      const generated = await runOrch(['agents:config:generate', 'say hello to people', '--name', 'greeter', '--write', '--home', home.dir]);
      expect(generated.code, generated.stderr).to.equal(0);
      expect(generated.stderr).to.include('(no Orch server running — working on agents-config/ directly)');
      expect(generated.stderr).to.include('Wrote agents-config/greeter.json with 1 model call to test-model (provider test); agent greeter is registered.');
      expect(JSON.parse(generated.stdout)).to.deep.include({ name: 'greeter', maxTurns: 2 });
      expect(await home.readAgent('greeter.json')).to.deep.include({ name: 'greeter', riskLevel: 'low' });

      server.enqueue(jsonReply(draft('greeter')));
      const again = await runOrch(['agents:config:generate', 'say hello', '--name', 'greeter', '--write', '--home', home.dir]);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.include('Error: Agent "greeter" is already registered from agents-config/greeter.json; replace it with --force');

      const list = await runOrch(['agents:config:list', '--json', '--home', home.dir]);
      expect(list.code, list.stderr).to.equal(0);
      const listed = JSON.parse(list.stdout) as { via: string; agents: { name: string; model: string; source: string }[] };
      expect(listed.via).to.equal('files');
      expect(listed.agents).to.deep.equal([
        { ...listed.agents[0], name: 'greeter', model: 'test/test-model', source: 'agents-config/greeter.json' },
      ]);

      const shown = await runOrch(['agents:config:show', 'greeter', '--home', home.dir]);
      expect(shown.stdout).to.match(/^Agent greeter 1\.0\.0 — agents-config\/greeter\.json, loaded /);

      const removed = await runOrch(['agents:config:remove', 'greeter', '--home', home.dir]);
      expect(removed.code, removed.stderr).to.equal(0);
      expect(removed.stdout.trim()).to.equal('Removed agent greeter and deleted agents-config/greeter.json.');
      expect(await exists(join(home.dir, 'agents-config', 'greeter.json'))).to.equal(false);
    });

    it('validates a file field by field, and reports an unreachable model provider', async () => {
      const bad = join(home.dir, 'bad-agent.json');
      await writeFile(bad, JSON.stringify({ name: 'Bad', description: 'x', instructions: 'y', maxTurns: 0, tools: [{ function: 'nope' }] }));
      const validated = await runOrch(['agents:config:validate', bad, '--home', home.dir]);
      expect(validated.code).to.equal(1);
      expect(validated.stdout).to.include(`✗ ${bad} is not a valid agent config (2 problems):`);
      expect(validated.stdout).to.include('  name: agent names are lower-case').and.include('  maxTurns: Too small');

      const port = await freePort();
      const refused = await runOrch(['agents:config:generate', 'anything', '--provider', 'down', '--home', home.dir], {});
      expect(refused.stderr).to.include('Error: Unknown model provider "down"; config/models.json defines test');
      await home.writeConfig('models.json', {
        default: { provider: 'test', model: 'test-model' },
        providers: { test: { baseURL: server.baseURL }, down: { baseURL: `http://127.0.0.1:${port}/v1` } },
      });
      const down = await runOrch(['agents:config:generate', 'anything', '--provider', 'down', '--home', home.dir]);
      expect(down.code).to.equal(1);
      expect(down.stderr).to.include(`Error: Model provider "down" at http://127.0.0.1:${port}/v1 cannot be reached (connection refused).`);
    });
  });

  describe('with a running Orch server', () => {
    let orch: OrchProcess;
    let baseUrl: string;

    before(async () => {
      await home.writeConfig('orch.json', { server: { port: 0 } });
      orch = OrchProcess.start(home.dir);
      baseUrl = (await orch.ready(home.dir)).baseUrl;
    });
    after(async () => {
      orch.child.kill('SIGTERM');
      const code = await Promise.race([orch.exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (code === undefined) await orch.kill();
    });

    const agentsOnServer = async () =>
      ((await (await fetch(`${baseUrl}/api/agents`)).json()) as { agents: { name: string }[] }).agents.map((a) => a.name);

    it('hot-loads a dropped file (listed by the CLI through the server, usable by a plan) and unloads it when deleted', async () => {
      const dropped = Date.now();
      await home.writeAgent('dropped.json', agentConfig('dropped', { instructions: 'Answer briefly.' }));
      await eventually(async () => (await agentsOnServer()).includes('dropped'), 10_000, 'the server to load dropped.json');
      const loadedAfterMs = Date.now() - dropped;
      if (process.env.ORCH_BENCH_LOG) console.log(`agent file hot-loaded after ${loadedAfterMs} ms`);
      expect(loadedAfterMs, 'hang guard (the target is 2 s)').to.be.below(10_000);

      const list = await runOrch(['agents:config:list', '--home', home.dir]);
      expect(list.code, list.stderr).to.equal(0);
      expect(list.stderr).to.include(`(through the Orch server at ${baseUrl}`);
      expect(list.stdout).to.match(/^dropped\s+1\.0\.0\s+test\/test-model\s+-\s+medium\s+agents-config\/dropped\.json\s+The dropped agent$/m);

      server.enqueue(textReply('hello from the dropped agent'));
      const started = await fetch(`${baseUrl}/api/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          wait: true,
          document: { id: 'uses-dropped', name: 'Uses the dropped agent', goal: 'greet', root: { id: 'ask', type: 'agent_invocation', agent: 'dropped', input: 'hi' } },
        }),
      });
      const { run } = (await started.json()) as { run: { status: string; nodes: Record<string, { outputSummary?: string }>; error?: string } };
      expect(run.status, run.error).to.equal('completed');
      expect(run.nodes.ask!.outputSummary).to.include('hello from the dropped agent');

      await home.removeAgent('dropped.json');
      await eventually(async () => !(await agentsOnServer()).includes('dropped'), 10_000, 'the server to unload dropped');
    });

    it('generates through the server (the Meta Agent runs there)', async () => {
      server.enqueue(jsonReply(draft('remote-greeter')));
      const generated = await runOrch(['agents:config:generate', 'greet people', '--json', '--home', home.dir]);
      expect(generated.code, generated.stderr).to.equal(0);
      const body = JSON.parse(generated.stdout) as { via: string; rounds: number; config: { name: string } };
      expect(body).to.deep.include({ via: 'server', rounds: 1 });
      expect(body.config.name).to.equal('remote-greeter');
      expect(await agentsOnServer()).to.not.include('remote-greeter'); // not written without --write
    });

    it('registers and removes through the server', async () => {
      const file = join(home.dir, 'incoming.json');
      await writeFile(file, JSON.stringify(agentConfig('incoming')));
      const registered = await runOrch(['agents:config:register', file, '--home', home.dir]);
      expect(registered.code, registered.stderr).to.equal(0);
      expect(registered.stdout.trim()).to.equal('Registered agent incoming 1.0.0 as agents-config/incoming.json.');
      expect(await agentsOnServer()).to.include('incoming');

      const removed = await runOrch(['agents:config:remove', 'incoming', '--keep-file', '--json', '--home', home.dir]);
      expect(JSON.parse(removed.stdout)).to.deep.equal({ via: 'server', removed: 'incoming', file: 'agents-config/incoming.json', fileDeleted: false });
      expect(await agentsOnServer()).to.not.include('incoming');
      expect(await exists(join(home.dir, 'agents-config', 'incoming.json'))).to.equal(true);
    });
  });
});

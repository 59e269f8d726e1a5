import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { startOpenAiServer, textReply, type OpenAiTestServer } from '../support/agents-openai-server.js';
import { EVERYTHING_SERVER, freePort, SAMPLE_SERVER } from '../support/mcp-peers.js';
import { OrchProcess, runOrch } from '../support/server-process.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The mission's acceptance scenarios (§6), black-box: a home built from the bundled config (the
 * sample MCP server and the public server-everything over stdio, the example agents, no model server
 * reachable — so agents run on the offline demo model), one real `orch start` shared by the
 * scenarios, and `orch …` commands as a user types them. Plans mix local tasks, agents and MCP tools:
 * serial, parallel (12 branches, at most 10 at once), conditional and loop; approvals from the CLI;
 * SIGKILL of the server mid-run and a restart that resumes without repeating completed nodes; and a
 * backup then restore that loses nothing.
 */

type Node = Record<string, unknown>;
interface RunRecord {
  runId: string;
  status: string;
  nodes: Record<string, { status: string; outputSummary?: string; attempts?: number }>;
}

/** A shell script node, waived from approval (it only touches the test's workspace). */
function script(id: string, command: string): Node {
  return {
    id,
    type: 'local_task',
    kind: 'script',
    params: { command, shell: true },
    requiresApproval: false,
    waiveApproval: 'acceptance test: writes ledger files inside its own workspace only',
  };
}

function plan(id: string, root: Node, inputs?: Record<string, unknown>): Record<string, unknown> {
  return { id, name: `Acceptance: ${id}`, goal: `Acceptance scenario ${id}`, ...(inputs ? { inputs } : {}), root };
}

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
      const full = join(folder, entry.name);
      if (entry.name.endsWith('.lock') || entry.name === 'cache' || entry.name === 'server.json') continue;
      if (entry.isDirectory()) await walk(full);
      else out[relative(dir, full)] = await readFile(full, 'utf8');
    }
  };
  await walk(dir);
  return out;
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('acceptance: the mission end to end (black-box, one shared server)', function () {
  this.timeout(600_000);
  let home: TestHome;
  let server: OrchProcess | undefined;
  let workspace: string;
  let scripted: OpenAiTestServer;

  async function startServer(): Promise<OrchProcess> {
    server = OrchProcess.start(home.dir, ['--plugins', 'business']);
    await server.ready(home.dir);
    return server;
  }

  async function stopServer(): Promise<void> {
    if (!server) return;
    server.child.kill('SIGTERM');
    await server.exited;
    server = undefined;
  }

  async function runPlan(document: Record<string, unknown>, inputs: string[] = []): Promise<{ code: number; record: RunRecord; stderr: string }> {
    const file = join(home.dir, `${String(document.id)}.json`);
    await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
    const result = await runOrch(['run:auto', file, '--json', ...inputs.flatMap((i) => ['--input', i]), '--home', home.dir]);
    let record: RunRecord;
    try {
      record = JSON.parse(result.stdout) as RunRecord;
    } catch {
      throw new Error(`run:auto ${String(document.id)} printed no run record (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
    return { code: result.code, record, stderr: result.stderr };
  }

  async function runStatus(runId: string): Promise<RunRecord> {
    const shown = await runOrch(['run:status', runId, '--json', '--home', home.dir]);
    return JSON.parse(shown.stdout) as RunRecord;
  }

  before(async () => {
    home = await createTestHome();
    workspace = join(home.dir, 'workspace');
    const models = JSON.parse(await readFile(join(ROOT, 'config/models.json'), 'utf8')) as { providers: Record<string, { baseURL: string }> };
    models.providers.local!.baseURL = `http://127.0.0.1:${await freePort()}/v1`; // no model server: the demo model answers
    // A second, scripted OpenAI-compatible provider that one agent names on purpose.
    scripted = await startOpenAiServer({ respond: () => textReply('Scripted second opinion: ship it.') });
    (models.providers as Record<string, unknown>).scripted = { baseURL: scripted.baseURL, api: 'chat_completions' };
    await home.writeConfig('models.json', models);
    await writeFile(
      join(home.dir, 'agents-config', 'second-opinion.json'),
      `${JSON.stringify({ name: 'second-opinion', description: 'Gives a second opinion.', instructions: 'Give a one-line opinion.', model: { provider: 'scripted', name: 'test-model' }, riskLevel: 'low' }, null, 2)}\n`,
    );
    await home.writeConfig('mcp.servers.json', {
      sample: { transport: 'stdio', command: 'node', args: [SAMPLE_SERVER], required: false },
      everything: { transport: 'stdio', command: 'node', args: [EVERYTHING_SERVER, 'stdio'], required: false },
    });
    for (const file of await readdir(join(ROOT, 'agents-config'))) await copyFile(join(ROOT, 'agents-config', file), join(home.dir, 'agents-config', file));
    await startServer();
  });

  after(async () => {
    await server?.kill();
    await scripted?.close();
    await home.cleanup();
  });

  it('serial: a script, an agent on the demo model, one on a scripted provider, the sample MCP server and server-everything, in order', async () => {
    const { code, record, stderr } = await runPlan(
      plan(
        'serial',
        {
          id: 'steps',
          type: 'sequence',
          children: [
            script('prepare', 'echo prepare >> serial.ledger'),
            { id: 'summary', type: 'agent_invocation', agent: 'summarizer', input: 'Summarise:\n\nOrch runs plans on its own. People approve risky steps. State is JSON.' },
            { id: 'opinion', type: 'agent_invocation', agent: 'second-opinion', input: '{{ nodes.summary.output }}' },
            { id: 'stats', type: 'mcp_tool', server: 'sample', tool: 'text_stats', args: { text: '{{ nodes.summary.output }}' } },
            { id: 'echo', type: 'mcp_tool', server: 'everything', tool: 'echo', args: { message: 'words={{ nodes.stats.structured.words }}' } },
            { id: 'report', type: 'local_task', kind: 'file', params: { op: 'write', path: 'serial/report.md', content: '{{ nodes.summary.output }}\n{{ nodes.opinion.output }} ({{ nodes.opinion.model.provider }})\n{{ nodes.echo.text }}\n' } },
          ],
        },
      ),
    );
    expect(code, stderr).to.equal(0);
    expect(record.status).to.equal('completed');
    expect(Object.values(record.nodes).map((n) => n.status)).to.deep.equal(Array(6).fill('succeeded'));
    const report = await readFile(join(workspace, 'serial/report.md'), 'utf8');
    expect(report).to.equal('[demo model] Orch runs plans on its own. People approve risky steps. State is JSON.\nScripted second opinion: ship it. (scripted)\nEcho: words=15\n');
    expect(scripted.completions).to.have.length(1); // the agent that names its provider never falls back to the demo model
    expect(await lines(join(workspace, 'serial.ledger'))).to.deep.equal(['prepare']);
  });

  it('parallel: 12 branches (scripts, an agent, MCP tools) with at most 10 running at once', async () => {
    const branches: Node[] = Array.from({ length: 10 }, (_, i) =>
      script(`p${i + 1}`, `echo "start $(date +%s%N)" >> par/p${i + 1}; sleep 1; echo "end $(date +%s%N)" >> par/p${i + 1}`),
    );
    branches.push({ id: 'triage', type: 'agent_invocation', agent: 'ticket-triage', input: 'The app crashes when I export a report.' });
    branches.push({ id: 'sum', type: 'mcp_tool', server: 'everything', tool: 'get-sum', args: { a: 2, b: 40 } });
    const { code, record, stderr } = await runPlan(
      plan('parallel', { id: 'all', type: 'sequence', children: [script('mkdir', 'mkdir -p par'), { id: 'fan', type: 'parallel', children: branches }] }),
    );
    expect(code, stderr).to.equal(0);
    expect(record.status).to.equal('completed');
    expect(record.nodes.triage!.outputSummary).to.include('"category":"bug"');
    // The scripts' start/end times: never more than 10 at once, and they did overlap.
    const intervals: [number, number][] = [];
    for (let i = 1; i <= 10; i++) {
      const [start, end] = (await lines(join(workspace, `par/p${i}`))).map((l) => Number(l.split(' ')[1]) / 1e6);
      intervals.push([start!, end!]);
    }
    const events = intervals.flatMap(([s, e]) => [[s, 1] as const, [e, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let running = 0;
    let most = 0;
    for (const [, delta] of events) most = Math.max(most, (running += delta));
    expect(most).to.be.at.most(10).and.at.least(2);
  });

  it('conditional: the triage agent\'s structured answer picks the branch', async () => {
    const document = plan(
      'conditional',
      {
        id: 'route',
        type: 'sequence',
        children: [
          { id: 'triage', type: 'agent_invocation', agent: 'ticket-triage', input: '{{ input.ticket }}' },
          {
            id: 'pick',
            type: 'conditional',
            branches: [{ when: 'nodes.triage.output.urgency = "high"', then: { id: 'fingerprint', type: 'mcp_tool', server: 'sample', tool: 'hash_text', args: { text: '{{ input.ticket }}' } } }],
            else: script('queue', 'echo queued >> conditional.ledger'),
          },
        ],
      },
      { ticket: { type: 'string', required: true } },
    );
    const urgent = await runPlan(document, ['ticket=We were charged twice and nobody can work, urgent!']);
    expect(urgent.code, urgent.stderr).to.equal(0);
    expect(urgent.record.nodes.fingerprint!.status).to.equal('succeeded');
    expect(urgent.record.nodes.queue).to.equal(undefined);
    const calm = await runPlan(document, ['ticket=Please add a dark mode, no rush.']);
    expect(calm.code, calm.stderr).to.equal(0);
    expect(calm.record.nodes.queue!.status).to.equal('succeeded');
    expect(calm.record.nodes.fingerprint).to.equal(undefined);
    expect(await lines(join(workspace, 'conditional.ledger'))).to.deep.equal(['queued']);
  });

  it('loop: forEach over the inputs with an MCP tool and a file task per item', async () => {
    const { code, record, stderr } = await runPlan(
      plan(
        'loop',
        {
          id: 'each',
          type: 'loop',
          forEach: 'input.texts',
          maxIterations: 10,
          body: {
            id: 'item',
            type: 'sequence',
            children: [
              { id: 'count', type: 'mcp_tool', server: 'sample', tool: 'text_stats', args: { text: '{{ item }}' } },
              { id: 'note', type: 'local_task', kind: 'file', params: { op: 'append', path: 'loop/counts.txt', content: '{{ index }}:{{ nodes.count.structured.words }}\n' } },
            ],
          },
        },
        { texts: { type: 'array', default: ['one', 'one two', 'one two three'] } },
      ),
    );
    expect(code, stderr).to.equal(0);
    expect(record.status).to.equal('completed');
    expect(await lines(join(workspace, 'loop/counts.txt'))).to.deep.equal(['0:1', '1:2', '2:3']);
  });

  it('approvals from the CLI: the run waits, approvals:approve resumes it in the server', async () => {
    const waiting = await runPlan(
      plan('approval', {
        id: 'gate',
        type: 'sequence',
        children: [
          { id: 'ask', type: 'human_approval', title: 'Ship it?', prompt: 'Ship the acceptance build?' },
          script('ship', 'echo shipped >> approval.ledger'),
        ],
      }),
    );
    expect(waiting.code, waiting.stderr).to.equal(2);
    expect(waiting.record.status).to.equal('waiting_approval');
    const listed = await runOrch(['approvals:list', '--json', '--home', home.dir]);
    expect(listed.code, listed.stderr).to.equal(0);
    const id = (JSON.parse(listed.stdout) as { approvals: { id: string; runId: string }[] }).approvals.find((a) => a.runId === waiting.record.runId)?.id;
    expect(id, listed.stdout).to.be.a('string');
    const approved = await runOrch(['approvals:approve', id!, '--comment', 'acceptance', '--home', home.dir]);
    expect(approved.code, approved.stderr).to.equal(0);
    const done = await eventually('the approved run to complete', async () => {
      const record = await runStatus(waiting.record.runId);
      return record.status === 'completed' ? record : undefined;
    });
    expect(done.nodes.ship!.status).to.equal('succeeded');
    expect(await lines(join(workspace, 'approval.ledger'))).to.deep.equal(['shipped']);
  });

  it('SIGKILL of the server mid-run, then a restart: the run resumes from its checkpoint and nothing completed runs again', async () => {
    await writeFile(join(workspace, 'crash.block'), 'block\n');
    const document = plan('crash', {
      id: 'steps',
      type: 'sequence',
      children: [
        script('first', 'echo first >> crash.ledger'),
        { id: 'agent', type: 'agent_invocation', agent: 'summarizer', input: 'One. Two.' },
        script('slow', 'echo slow-start >> crash.ledger; while [ -f crash.block ]; do sleep 0.1; done; echo slow-end >> crash.ledger'),
        script('last', 'echo last >> crash.ledger'),
      ],
    });
    const file = join(home.dir, 'crash.json');
    await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
    const client = runOrch(['run:auto', file, '--json', '--home', home.dir]);
    await eventually('the slow step to start', async () => ((await lines(join(workspace, 'crash.ledger'))).includes('slow-start') ? true : undefined));
    server!.child.kill('SIGKILL');
    await server!.exited;
    await client; // the CLI loses its server; the run stays "running" on disk
    await rm(join(home.dir, 'state', 'server.json'), { force: true });
    await rm(join(workspace, 'crash.block'));

    await startServer(); // start-up recovery resumes runs left running
    const runs = await runOrch(['run:list', '--json', '--home', home.dir]);
    const id = (JSON.parse(runs.stdout) as { runs: { runId: string; planId: string }[] }).runs.find((r) => r.planId === 'crash')!.runId;
    const done = await eventually('the resumed run to complete', async () => {
      const record = await runStatus(id);
      return record.status === 'completed' ? record : undefined;
    }, 120_000);
    const ledger = await lines(join(workspace, 'crash.ledger'));
    expect(ledger.filter((l) => l === 'first'), 'completed before the crash: never again').to.have.length(1);
    expect(ledger.filter((l) => l === 'last')).to.have.length(1);
    expect(ledger).to.include('slow-end');
    expect(done.nodes.first!.attempts).to.equal(1);
    expect(done.nodes.agent!.status).to.equal('succeeded');
  });

  it('backup, then restore into the stopped home, loses nothing', async () => {
    await stopServer();
    const before = await tree(join(home.dir, 'state'));
    const backup = await runOrch(['state:backup', '--json', '--home', home.dir]);
    expect(backup.code, backup.stderr).to.equal(0);
    const archive = (JSON.parse(backup.stdout) as { archive: string }).archive;

    await rm(join(home.dir, 'state', 'runs'), { recursive: true, force: true });
    await rm(join(home.dir, 'state', 'approvals'), { recursive: true, force: true });
    const restored = await runOrch(['state:restore', archive, '--home', home.dir]);
    expect(restored.code, restored.stderr).to.equal(0);
    const after = await tree(join(home.dir, 'state'));
    const missing = Object.keys(before).filter((file) => after[file] !== before[file]);
    expect(missing, 'files lost or changed by the round trip').to.deep.equal([]);

    await startServer();
    const list = await runOrch(['run:list', '--json', '--home', home.dir]);
    expect(list.code, list.stderr).to.equal(0);
    const planIds = (JSON.parse(list.stdout) as { runs: { planId: string; status: string }[] }).runs.map((r) => r.planId);
    expect(planIds).to.include.members(['serial', 'parallel', 'conditional', 'loop', 'approval', 'crash']);
  });
});

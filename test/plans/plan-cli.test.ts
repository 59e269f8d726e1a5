import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonReply, startOpenAiServer } from '../support/agents-openai-server.js';
import { createBundledHome } from '../support/plans-bundled-home.js';
import { runOrch } from '../support/server-process.js';
import type { TestHome } from '../support/test-home.js';

/** The plan:* commands as a user runs them: real `orch` processes on an isolated home with the bundled defaults. */
describe('plans: the plan:* commands', function () {
  this.timeout(120_000);
  let home: TestHome;
  const orch = (...args: string[]) => runOrch([...args, '--home', home.dir]);
  const file = (name: string) => join(home.dir, 'workspace', name);
  const write = (name: string, value: unknown) => writeFile(file(name), `${JSON.stringify(value, null, 2)}\n`);

  before(async () => {
    home = await createBundledHome();
  });
  after(() => home.cleanup());

  const plan = (marker: string) => ({
    id: 'notes',
    name: `Notes ${marker}`,
    goal: 'Keep notes',
    root: {
      id: 'main',
      type: 'sequence',
      children: [{ id: 'write-note', type: 'local_task', kind: 'file', params: { op: 'write', path: `notes/${marker}.txt`, content: marker } }],
    },
  });

  it('save v1, save v2, rollback --to 1: plan:versions lists 3 and v3 has v1 content', async () => {
    await write('v1.json', plan('one'));
    await write('v2.json', plan('two'));
    const first = await orch('plan:save', file('v1.json'));
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.match(/Saved plan notes v1 — now the active version; dry run passed/);
    expect(first.stderr).to.match(/no Orch server running — working on the files directly/);
    expect((await orch('plan:save', file('v2.json'))).stdout).to.match(/Saved plan notes v2.*\n.*orch plan:diff notes 1 2/);
    const rollback = await orch('plan:rollback', 'notes', '--to', '1');
    expect(rollback.stdout).to.match(/v3 is now active, with the content of v1/);

    const versions = await orch('plan:versions', 'notes');
    expect(versions.stdout).to.match(/ v1 .* save\n/).and.match(/\*v3 .* rollback to v1/);
    const listed = JSON.parse((await orch('plan:versions', 'notes', '--json')).stdout) as { versions: { version: number; active: boolean }[] };
    expect(listed.versions.map((v) => [v.version, v.active])).to.deep.equal([
      [1, false],
      [2, false],
      [3, true],
    ]);
    const v3 = JSON.parse((await orch('plan:show', 'notes', '--version', '3', '--json')).stdout) as Record<string, unknown>;
    const v1 = JSON.parse(await readFile(join(home.dir, 'state', 'plans', 'notes', 'v1.json'), 'utf8')) as Record<string, unknown>;
    expect(v3.version).to.equal(3);
    for (const field of ['name', 'goal', 'root']) expect(v3[field], field).to.deep.equal(v1[field]);

    const diff = await orch('plan:diff', 'notes', '2', '3');
    expect(diff.stdout).to.match(/plan notes: v2 → v3/).and.match(/~ name: "Notes two" → "Notes one"/).and.match(/write-note\s+params\.path: "notes\/two\.txt" → "notes\/one\.txt"/);
    const list = await orch('plan:list');
    expect(list.stdout).to.match(/notes\s+v3\s+3\s/);
  });

  // One plan with one mistake of each class in its own node: each is named with its node and field.
  const broken: [string, unknown, string, string, RegExp][] = [
    ['dangling reference', { id: 'use', type: 'local_task', kind: 'file', params: { op: 'write', path: 'x', content: '{{ nodes.missing.content }}' } }, 'use', 'params.content', /reads nodes\.missing, but no node has id "missing"/],
    ['unknown agent', { id: 'ask', type: 'agent_invocation', agent: 'poet', input: 'hi' }, 'ask', 'agent', /unknown agent "poet"; known agents: summarizer, text-analyst/],
    ['unknown MCP tool', { id: 'count', type: 'mcp_tool', server: 'sample', tool: 'word_count', args: {} }, 'count', 'tool', /MCP server sample has no tool "word_count"; its tools: text_stats/],
    ['unbounded loop', { id: 'forever', type: 'loop', while: 'true', body: { id: 'tick', type: 'local_task', kind: 'schedule', params: { after: '1s' } } }, 'forever', 'maxIterations', /a loop must be bounded/],
  ];

  it('plan:dry-run fails on a dangling reference, an unknown agent, an unknown MCP tool and an unbounded loop, naming each node and field; exit 1', async () => {
    const ok = { id: 'ok', type: 'local_task', kind: 'file', params: { op: 'exists', path: 'x' } };
    await write('broken.json', { id: 'broken', name: 'Broken', goal: 'fail', root: { id: 'main', type: 'sequence', children: [ok, ...broken.map(([, node]) => node)] } });
    const result = await orch('plan:dry-run', file('broken.json'));
    expect(result.code, result.stdout + result.stderr).to.equal(1);
    const lines = result.stdout.split('\n');
    for (const [what, , nodeId, field, message] of broken) {
      const at = lines.findIndex((line) => new RegExp(`✗ ${nodeId} `).test(line));
      expect(at, `${what}: node line\n${result.stdout}`).to.be.greaterThan(0);
      expect(lines[at + 1], what).to.match(new RegExp(`✗ ${field.replace('.', '\\.')}: ${message.source}`));
    }
    expect(result.stdout).to.match(/✓ ok /);
    expect(result.stdout).to.match(/✗ 4 errors — the plan is not valid/);
    for (const [, node, nodeId] of broken) await write(`${nodeId}.json`, { id: 'broken', name: 'Broken', goal: 'fail', root: node });
  });

  it('plan:dry-run --json gives the report; a saved plan is checked by id; a plan with errors is not saved', async () => {
    const report = JSON.parse((await orch('plan:dry-run', file('count.json'), '--json')).stdout) as { ok: boolean; errorCount: number; root: { nodeId: string; issues: { path: string; nodeId: string; field: string }[] } };
    expect(report.ok).to.equal(false);
    expect(report.root.issues[0]).to.include({ path: 'root.tool', nodeId: 'count', field: 'tool' });
    const byId = await orch('plan:dry-run', 'notes');
    expect(byId.code).to.equal(0);
    expect(byId.stdout).to.match(/Dry run of plan notes "Notes one"  \(plan notes v3\)/);
    const refused = await orch('plan:save', file('ask.json'));
    expect(refused.code).to.equal(1);
    expect(refused.stdout).to.match(/✗ agent: unknown agent "poet"/);
    expect(refused.stderr).to.match(/Not saved: fix the errors above/);
    expect((await orch('plan:list', '--json')).stdout).to.not.match(/"broken"/);
  });

  it('says what is wrong with a file that is not JSON, or missing', async () => {
    await writeFile(file('bad.json'), '{\n  "id": "x",\n  "root": [,]\n}\n');
    const bad = await orch('plan:save', file('bad.json'));
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/bad\.json is not valid JSON at line 3, column 12/);
    const missing = await orch('plan:dry-run', file('nope.json'));
    expect(missing.stderr).to.match(/No such file: .*nope\.json \(and it is not a plan id either\)/);
  });

  it('plan:design --save designs with the model, dry-runs and saves the result as a new version', async () => {
    const model = await startOpenAiServer({ replies: [jsonReply({ ...plan('designed'), id: 'designed-notes' })] });
    try {
      await home.writeConfig('models.json', {
        default: { provider: 'scripted', model: 'planner-1' },
        providers: { scripted: { baseURL: model.baseURL, api: 'chat_completions' } },
      });
      const result = await orch('plan:design', 'Keep a note of every release', '--save');
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/designed-notes — Notes designed/).and.match(/designed by planner-1 .* in 1 answer; dry run passed/);
      expect(result.stdout).to.match(/Saved as plan designed-notes v1 \(active\)/);
      const versions = JSON.parse((await orch('plan:versions', 'designed-notes', '--json')).stdout) as { versions: { origin: string }[] };
      expect(versions.versions.map((v) => v.origin)).to.deep.equal(['design']);
      const saved = JSON.parse(await readFile(join(home.dir, 'state', 'plans', 'designed-notes', 'v1.json'), 'utf8')) as { goal: string };
      expect(saved.goal).to.equal('Keep a note of every release');
      const system = String(model.completions[0]!.messages[0]!.content);
      expect(system).to.match(/- summarizer \(risk /).and.match(/text_stats\(text\*: string/).and.match(/local_task:file/);
    } finally {
      await model.close();
    }
  });

  it('plan:design tells the model every problem of an answer at once and words the rounds right', async () => {
    // One answer with a schema error (a loop without maxIterations) and dry-run errors (a reference to
    // a node that does not exist, an unknown agent): all of them go back in the first repair round.
    const broken = {
      id: 'broken-notes',
      name: 'Broken',
      goal: 'g',
      root: {
        id: 'main',
        type: 'sequence',
        children: [
          { id: 'note', type: 'local_task', kind: 'file', params: { op: 'write', path: 'n.txt', content: '{{ nodes.missing.value }}' } },
          { id: 'again', type: 'loop', while: 'false', body: { id: 'tick', type: 'local_task', kind: 'file', params: { op: 'read', path: 'n.txt' } } },
          { id: 'verse', type: 'agent_invocation', agent: 'poet', input: 'write a verse' },
        ],
      },
    };
    const model = await startOpenAiServer({ replies: [jsonReply(broken), jsonReply(broken)] });
    try {
      await home.writeConfig('models.json', {
        default: { provider: 'scripted', model: 'planner-1' },
        providers: { scripted: { baseURL: model.baseURL, api: 'chat_completions' } },
      });
      const result = await orch('plan:design', 'Keep notes', '--rounds', '1');
      expect(result.code).to.equal(1);
      const repair = String(model.completions[1]!.messages.at(-1)!.content);
      expect(repair).to.match(/maxIterations/).and.match(/nodes\.missing|"missing"/).and.match(/poet/);
      expect(result.stderr).to.match(/answer 1 had \d+ problems .*; asking for a repair \(1 round left\)/);
      expect(result.stderr).to.match(/answer 2 had \d+ problems .*; no repair round left/);
      expect(result.stderr).to.not.match(/answer 2 .*asking for a repair/);
      expect(result.stderr).to.contain('after 2 attempts, 1 repair round.');
      expect(model.completions).to.have.length(2);
    } finally {
      await model.close();
    }
  });

  it('plan:schema prints the JSON Schema', async () => {
    const schema = JSON.parse((await orch('plan:schema')).stdout) as { title: string; $defs: Record<string, unknown> };
    expect(schema.title).to.equal('Orch plan');
    expect(Object.keys(schema.$defs)).to.include('PlanNode');
  });
});

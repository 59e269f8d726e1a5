import { expect } from 'chai';
import { isOrchError } from '../../kernel/index.js';
import { PlanValidator, type DryRunNodeReport, type DryRunReport, type PlanIssue } from '../../plugins/plans/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import { bootPlansKernel, runCalls } from '../support/plans-adapters.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

/** The dry run against stand-in adapters: one test per class of error it must catch. */
describe('plans: dry run', () => {
  let home: TestHome;
  let kernel: Kernel;
  let validator: PlanValidator;

  before(async () => {
    home = await createTestHome();
    kernel = await bootPlansKernel(home);
    validator = kernel.container.get<PlanValidator>(PlanValidator);
  });
  after(() => home.cleanup());

  const plan = (root: unknown, extra: Record<string, unknown> = {}) => ({ id: 'p', name: 'P', goal: 'test', ...extra, root });
  const seq = (...children: unknown[]) => ({ id: 'main', type: 'sequence', children });
  const echo = (id: string, params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ id, type: 'local_task', kind: 'echo', params, ...extra });

  function errors(report: DryRunReport): PlanIssue[] {
    const walk = (n?: DryRunNodeReport): PlanIssue[] => (n ? [...n.issues, ...n.children.flatMap(walk)] : []);
    return [...report.issues, ...walk(report.root)].filter((i) => i.severity === 'error');
  }
  function warnings(report: DryRunReport): PlanIssue[] {
    const walk = (n?: DryRunNodeReport): PlanIssue[] => (n ? [...n.issues, ...n.children.flatMap(walk)] : []);
    return [...report.issues, ...walk(report.root)].filter((i) => i.severity === 'warning');
  }
  function find(report: DryRunReport, id: string): DryRunNodeReport {
    const walk = (n?: DryRunNodeReport): DryRunNodeReport | undefined => (!n ? undefined : n.nodeId === id ? n : n.children.map(walk).find(Boolean));
    const node = walk(report.root);
    if (!node) throw new Error(`no node ${id} in the report`);
    return node;
  }
  async function expectOneError(document: unknown, nodeId: string | undefined, field: string, message: RegExp): Promise<PlanIssue> {
    const report = await validator.dryRun(document);
    const found = errors(report);
    expect(report.ok, JSON.stringify(found)).to.equal(false);
    expect(found, JSON.stringify(found, null, 1)).to.have.length(1);
    expect(found[0]!.nodeId).to.equal(nodeId);
    expect(found[0]!.field).to.equal(field);
    expect(found[0]!.message).to.match(message);
    return found[0]!;
  }

  it('accepts a plan using all nine node types, reports every node and runs nothing', async () => {
    runCalls.length = 0;
    const report = await validator.dryRun(
      plan(
        seq(
          echo('start', { text: '{{ input.topic }}' }),
          {
            id: 'fan',
            type: 'parallel',
            maxConcurrency: 2,
            children: [
              { id: 'stats', type: 'mcp_tool', server: 'sample', tool: 'text_stats', args: { text: '{{ nodes.start.params.text }}' } },
              { id: 'sum', type: 'agent_invocation', agent: 'summarizer', input: 'Summarise {{ input.topic }}' },
            ],
          },
          {
            id: 'route',
            type: 'conditional',
            branches: [{ when: 'nodes.stats.words > 100', then: { id: 'bill', type: 'external_service', service: 'billing', operation: { method: 'POST', path: '/charges' } } }],
            else: { id: 'ask', type: 'human_approval', title: 'Short text', prompt: 'Only {{ nodes.stats.words }} words. Go on?' },
          },
          {
            id: 'each',
            type: 'loop',
            forEach: 'nodes.stats.topWords',
            maxIterations: 20,
            body: echo('word', { word: '{{ item.word }}', at: '{{ index }}' }),
          },
          { id: 'wipe', type: 'local_task', kind: 'files', params: { operation: 'delete', path: 'tmp/x' } },
        ),
        { inputs: { topic: { type: 'string', required: true } } },
      ),
    );
    expect(errors(report), JSON.stringify(errors(report))).to.deep.equal([]);
    expect(report.ok).to.equal(true);
    expect(report.nodeCount).to.equal(11);
    expect(find(report, 'wipe')).to.include({ adapter: 'local_task:files', riskLevel: 'high', approval: 'required' });
    expect(find(report, 'ask').approval).to.equal('human');
    expect(find(report, 'start')).to.include({ riskLevel: 'low', approval: 'none' });
    expect(runCalls).to.deep.equal([]);
  });

  it('reports a dangling reference naming the node, the field and a likely meaning', async () => {
    const issue = await expectOneError(plan(seq(echo('fetch'), echo('use', { value: '{{ nodes.fetchh.body }}' }))), 'use', 'params.value', /no node has id "fetchh".*did you mean "fetch"/);
    expect(issue.path).to.equal('root.children.1.params.value');
  });

  it('refuses references to nodes that have not run: later siblings, parallel siblings, other branches, itself, enclosing nodes', async () => {
    await expectOneError(plan(seq(echo('a', { x: '{{ nodes.b }}' }), echo('b'))), 'a', 'params.x', /runs later/);
    await expectOneError(plan(seq({ id: 'par', type: 'parallel', children: [echo('a'), echo('b', { x: '{{ nodes.a }}' })] })), 'b', 'params.x', /another branch of parallel "par"/);
    await expectOneError(
      plan(seq({ id: 'c', type: 'conditional', branches: [{ when: 'true', then: echo('a') }], else: echo('b', { x: '{{ nodes.a }}' }) })),
      'b',
      'params.x',
      /another branch of conditional "c"/,
    );
    await expectOneError(plan(seq(echo('a', {}, { inputs: { me: 'nodes.a' } }))), 'a', 'inputs.me', /this node itself/);
    await expectOneError(plan(seq(echo('a'), echo('b', {}, { inputs: { x: 'nodes.main' } }))), 'b', 'inputs.x', /sequence node.*only leaf nodes have an output/);
    await expectOneError(
      plan(seq({ id: 'c', type: 'conditional', branches: [{ when: 'nodes.inner.ok', then: echo('inner') }] })),
      'c',
      'branches.0.when',
      /runs inside this node/,
    );
  });

  it("lets a loop's while read its body (the previous iteration) and later nodes read branches that may have run", async () => {
    const report = await validator.dryRun(
      plan(
        seq(
          { id: 'poll', type: 'loop', while: '$not(nodes.check.done)', maxIterations: 5, body: echo('check', { n: '{{ index }}' }) },
          { id: 'c', type: 'conditional', branches: [{ when: 'nodes.check.done', then: echo('yes') }], else: echo('no') },
          echo('after', { yes: '{{ nodes.yes }}', no: '{{ nodes.no }}' }),
        ),
      ),
    );
    expect(errors(report)).to.deep.equal([]);
  });

  it('reports an unknown agent naming the node and field agent', async () => {
    await expectOneError(plan(seq({ id: 'ask-ai', type: 'agent_invocation', agent: 'sumarizer', input: 'hi' })), 'ask-ai', 'agent', /unknown agent "sumarizer"/);
  });

  it('reports an unknown MCP tool (field tool) and an unknown MCP server (field server)', async () => {
    await expectOneError(plan(seq({ id: 'count', type: 'mcp_tool', server: 'sample', tool: 'word_count', args: {} })), 'count', 'tool', /no tool "word_count"/);
    await expectOneError(plan(seq({ id: 'count', type: 'mcp_tool', server: 'elsewhere', tool: 'x' })), 'count', 'server', /unknown MCP server/);
  });

  it('reports an unknown external service', async () => {
    await expectOneError(plan(seq({ id: 'pay', type: 'external_service', service: 'payroll', operation: { method: 'GET', path: '/x' } })), 'pay', 'service', /unknown service "payroll"/);
  });

  it('reports an unbounded loop naming the node and field maxIterations', async () => {
    await expectOneError(plan(seq({ id: 'forever', type: 'loop', while: 'true', body: echo('tick') })), 'forever', 'maxIterations', /must be bounded/);
    await expectOneError(plan(seq({ id: 'both', type: 'loop', while: 'true', forEach: '[1]', maxIterations: 2, body: echo('tick') })), 'both', 'while', /exactly one of "while" or "forEach"/);
    await expectOneError(plan(seq({ id: 'huge', type: 'loop', while: 'true', maxIterations: 1e9, body: echo('tick') })), 'huge', 'maxIterations', /10000/);
  });

  it('reports an unknown local_task kind listing the kinds there are, and an unknown node type', async () => {
    await expectOneError(plan(seq({ id: 'ftp', type: 'local_task', kind: 'ftp', params: {} })), 'ftp', 'kind', /unknown local_task kind "ftp".*count, echo, files, shell/);
    await expectOneError(plan(seq({ id: 'odd', type: 'webhook' })), 'odd', 'type', /unknown node type "webhook"/);
  });

  it('reports high risk with approval turned off, unless waived with a reason', async () => {
    await expectOneError(
      plan(seq({ id: 'rm', type: 'local_task', kind: 'shell', params: { command: 'rm -rf build' }, requiresApproval: false })),
      'rm',
      'requiresApproval',
      /risk is high .*needs approval.*waiveApproval/,
    );
    await expectOneError(
      plan(seq({ id: 'del', type: 'local_task', kind: 'files', params: { operation: 'delete', path: 'x' }, requiresApproval: false })),
      'del',
      'requiresApproval',
      /risk is high \(what the local_task:files adapter judges/,
    );
    await expectOneError(plan(seq(echo('boom', {}, { riskLevel: 'critical', requiresApproval: false }))), 'boom', 'requiresApproval', /risk is critical/);
    const waived = await validator.dryRun(
      plan(seq({ id: 'rm', type: 'local_task', kind: 'shell', params: { command: 'rm -rf build' }, requiresApproval: false, waiveApproval: 'only removes build output' })),
    );
    expect(waived.ok).to.equal(true);
    expect(find(waived, 'rm').approval).to.equal('waived');
    const auto = await validator.dryRun(plan(seq({ id: 'rm', type: 'local_task', kind: 'shell', params: { command: 'rm -rf build' } })));
    expect(find(auto, 'rm').approval).to.equal('required');
  });

  it("validates params with the adapter's schema, leaving {{ templates }} to run time", async () => {
    await expectOneError(plan(seq({ id: 'n', type: 'local_task', kind: 'count', params: { to: 0 } })), 'n', 'params.to', /expected number to be >=1|>=1/);
    const templated = await validator.dryRun(plan(seq(echo('a', { n: 3 }), { id: 'n', type: 'local_task', kind: 'count', params: { to: '{{ nodes.a.params.n }}' } })));
    expect(errors(templated)).to.deep.equal([]);
    // Shell strings are not rendered, so {{ }} there is not an expression to check.
    const shell = await validator.dryRun(plan(seq({ id: 's', type: 'local_task', kind: 'shell', params: { command: 'echo {{ nope' }, waiveApproval: 'test: shell strings are not rendered' })));
    expect(errors(shell)).to.deep.equal([]);
  });

  it('reports expressions that do not compile, undeclared vars and inputs, and item outside a forEach loop', async () => {
    await expectOneError(plan(seq({ id: 'c', type: 'conditional', branches: [{ when: 'nodes.(', then: echo('x') }] })), 'c', 'branches.0.when', /expression "nodes\.\(".*position/);
    await expectOneError(plan(seq(echo('a', { x: '{{ vars.size }}' }, { inputs: { count: '1' } }))), 'a', 'params.x', /vars\.size.*inputs are count/);
    await expectOneError(plan(seq(echo('a', { x: '{{ input.topik }}' })), { inputs: { topic: { type: 'string' } } }), 'a', 'params.x', /input\.topik.*did you mean "topic"/);
    await expectOneError(plan(seq(echo('a', { x: '{{ item }}' }))), 'a', 'params.x', /only exists inside the body of a forEach loop/);
    const undeclared = await validator.dryRun(plan(seq(echo('a', { x: '{{ input.anything }}' }))));
    expect(undeclared.ok).to.equal(true);
    expect(warnings(undeclared)[0]!.message).to.match(/declares no inputs/);
  });

  it("checks an approval's fields with its adapter and the templates of its title and prompt, naming the field", async () => {
    await expectOneError(plan(seq({ id: 'ok', type: 'human_approval', title: 'Ship {{ nodes.nope }}?', prompt: 'p' })), 'ok', 'title', /no node has id "nope"/);
    await expectOneError(plan(seq({ id: 'ok', type: 'human_approval', title: 'Ship?', prompt: 'Read {{ nodes.nope }}' })), 'ok', 'prompt', /no node has id "nope"/);
    await expectOneError(plan(seq({ id: 'ok', type: 'human_approval', title: 'Ship?', prompt: 'p', onTimeout: 'never' })), 'ok', 'onTimeout', /reject|approve|escalate/);
    await expectOneError(plan(seq({ id: 'ok', type: 'human_approval', title: '', prompt: 'p' })), 'ok', 'title', /an approval needs a title/);
  });

  it('reports duplicate ids at the second node', async () => {
    await expectOneError(plan(seq(echo('a'), echo('a'))), 'a', 'id', /duplicate node id "a".*root\.children\.0/);
  });

  it('reports schema errors of several nodes at once and still checks the valid ones', async () => {
    const report = await validator.dryRun(
      plan(
        seq(
          { id: 'x', type: 'local_task', kind: 'echo' },
          { id: 'y', type: 'human_approval', prompt: 'ok?' },
          { id: 'ai', type: 'agent_invocation', agent: 'nobody', input: 1 },
          7,
        ),
        { name: '' },
      ),
    );
    const found = errors(report).map((i) => `${i.path} ${i.message}`);
    expect(found).to.have.length(5);
    expect(found[0]).to.match(/^name /);
    expect(found).to.include.members([
      'root.children.0.params a local task needs params (an object; see orch plan:node-types)',
      'root.children.1.title an approval needs a title',
      'root.children.2.agent unknown agent "nobody"; known agents: summarizer, classifier',
      'root.children.3 a node must be an object with a "type" and an "id"',
    ]);
  });

  it('reports a JSON syntax error with line and column', async () => {
    const report = await validator.dryRun('{\n  "id": "p",\n  "name": oops\n}', { source: 'broken.json' });
    expect(report.ok).to.equal(false);
    expect(report.issues[0]!.message).to.match(/broken\.json is not valid JSON at line 3, column 11/);
  });

  it('refuses absurd nesting without crashing', async () => {
    let node: unknown = echo('leaf');
    for (let i = 0; i < 40; i++) node = { id: `s${i}`, type: 'sequence', children: [node] };
    const deep = await validator.dryRun(plan(node));
    expect(errors(deep).some((i) => /nested more than 32 levels/.test(i.message))).to.equal(true);
    let json: unknown = 1;
    for (let i = 0; i < 10_000; i++) json = [json];
    const deeper = await validator.dryRun(plan(echo('a', { x: json })));
    expect(deeper.issues[0]!.message).to.match(/nested more than 200 levels/);
  });

  it('turns an adapter whose check throws into a warning, not a crash', async () => {
    const flaky = { ...(await import('../support/plans-adapters.js')).echoTask, kind: 'flaky', dryRun: async () => Promise.reject(new Error('boom')) };
    const other = await createTestHome();
    try {
      const k = await bootPlansKernel(other, [flaky]);
      const report = await k.container.get<PlanValidator>(PlanValidator).dryRun(plan(seq({ id: 'f', type: 'local_task', kind: 'flaky', params: {} })));
      expect(report.ok).to.equal(true);
      expect(warnings(report)[0]!.message).to.match(/could not be checked by the local_task:flaky adapter: boom/);
    } finally {
      await other.cleanup();
    }
  });

  it('validate() returns the parsed plan, or throws invalid_input listing every error', async () => {
    const document = await validator.validate(plan(seq(echo('a'))));
    expect(document.root.type).to.equal('sequence');
    try {
      await validator.validate(plan(seq(echo('a', { x: '{{ nodes.zz }}' }), { id: 'b', type: 'loop', while: 'true', body: echo('c') })));
      expect.fail('should throw');
    } catch (error) {
      expect(isOrchError(error) && error.code).to.equal('invalid_input');
      expect((error as Error).message).to.match(/has 2 errors: node "a" params\.x: .*; node "b" maxIterations: /);
    }
  });
});

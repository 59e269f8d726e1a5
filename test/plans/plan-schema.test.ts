import Ajv2020 from 'ajv/dist/2020.js';
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { toFieldIssues } from '../../kernel/index.js';
import { NodeAdapterRegistry, type PlanSchemas } from '../../plugins/plans/api/index.js';
import { planJsonSchema } from '../../plugins/plans/plan-json-schema.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

/**
 * The Plan schema, node type by node type: a valid node of each, and the mistakes people make. Leaf
 * types come from their adapters, so the schema is the one a process with the default plugins has.
 */
describe('plans: schema of the nine node types', () => {
  let home: TestHome;
  let registry: NodeAdapterRegistry;
  let PlanDocumentSchema: PlanSchemas['document'];
  before(async () => {
    home = await createTestHome();
    const kernel = await home.boot({ role: 'cli' });
    await kernel.start();
    registry = kernel.get<NodeAdapterRegistry>(NodeAdapterRegistry);
    PlanDocumentSchema = registry.schemas.document;
  });
  after(() => home.cleanup());

  const wrap = (root: unknown) => ({ id: 'p', name: 'P', goal: 'g', root });
  const leaf = { id: 'leaf', type: 'local_task', kind: 'echo', params: {} };

  const valid: Record<string, unknown> = {
    sequence: { id: 's', type: 'sequence', children: [leaf] },
    parallel: { id: 'p', type: 'parallel', maxConcurrency: 10, children: [leaf, { ...leaf, id: 'leaf2' }] },
    conditional: { id: 'c', type: 'conditional', branches: [{ when: 'input.x > 1', then: leaf }], else: { ...leaf, id: 'other' } },
    loop: { id: 'l', type: 'loop', forEach: 'input.items', maxIterations: 50, body: leaf },
    human_approval: { id: 'h', type: 'human_approval', title: 'Deploy?', prompt: 'Check the diff', approvers: ['ann'], timeoutMs: 60000, onTimeout: 'escalate', onReject: 'continue' },
    local_task: { id: 't', type: 'local_task', kind: 'http', params: { url: 'http://127.0.0.1' }, retry: { maxAttempts: 5 }, timeoutMs: 1000, riskLevel: 'low' },
    agent_invocation: { id: 'a', type: 'agent_invocation', agent: 'summarizer', input: { text: '{{ input.text }}' }, outputSchema: { type: 'object' } },
    mcp_tool: { id: 'm', type: 'mcp_tool', server: 'sample', tool: 'text_stats', args: { text: 'x' } },
    external_service: { id: 'e', type: 'external_service', service: 'billing', operation: { method: 'POST', path: '/charges' }, request: { body: { amount: 1 }, headers: { 'x-a': 'b' } } },
  };

  const invalid: [string, unknown, string, RegExp][] = [
    ['sequence without children', { id: 's', type: 'sequence', children: [] }, 'root.children', /at least one child/],
    ['parallel above the cap of 10', { id: 'p', type: 'parallel', maxConcurrency: 11, children: [leaf] }, 'root.maxConcurrency', /at most 10/],
    ['conditional without branches', { id: 'c', type: 'conditional', branches: [] }, 'root.branches', /at least one branch/],
    ['conditional branch without then', { id: 'c', type: 'conditional', branches: [{ when: 'true' }] }, 'root.branches.0.then', /a node is missing here/],
    ['loop without maxIterations', { id: 'l', type: 'loop', while: 'true', body: leaf }, 'root.maxIterations', /must be bounded/],
    ['loop with neither while nor forEach', { id: 'l', type: 'loop', maxIterations: 3, body: leaf }, 'root.while', /exactly one of/],
    ['human_approval without prompt', { id: 'h', type: 'human_approval', title: 'x' }, 'root.prompt', /tell the approver/],
    ['human_approval with an unknown onReject', { id: 'h', type: 'human_approval', title: 'x', prompt: 'y', onReject: 'retry' }, 'root.onReject', /fail|continue/],
    ['local_task with a bad kind', { id: 't', type: 'local_task', kind: 'Bad Kind', params: {} }, 'root.kind', /task kind/],
    ['agent_invocation without input', { id: 'a', type: 'agent_invocation', agent: 'x' }, 'root.input', /give the agent an input/],
    ['mcp_tool without tool', { id: 'm', type: 'mcp_tool', server: 'sample' }, 'root.tool', /name the tool/],
    ['external_service with a relative path', { id: 'e', type: 'external_service', service: 's', operation: { method: 'GET', path: 'x' } }, 'root.operation.path', /starts with "\/"/],
    ['a node with an unknown field', { ...leaf, colour: 'red' }, 'root', /Unrecognized key: "colour"/],
    ['an id with spaces', { ...leaf, id: 'my step' }, 'root.id', /node ids start with a letter/],
    ['a risk level that does not exist', { ...leaf, riskLevel: 'extreme' }, 'root.riskLevel', /low|medium|high|critical/],
    ['an unknown type', { id: 'x', type: 'webhook' }, 'root.type', /unknown node type "webhook"/],
  ];

  for (const [type, node] of Object.entries(valid)) {
    it(`accepts a valid ${type} node`, () => {
      const parsed = PlanDocumentSchema.safeParse(wrap(node));
      expect(parsed.success, parsed.success ? '' : JSON.stringify(toFieldIssues(parsed.error))).to.equal(true);
    });
  }

  for (const [what, node, path, message] of invalid) {
    it(`rejects ${what}, naming ${path}`, () => {
      const parsed = PlanDocumentSchema.safeParse(wrap(node));
      expect(parsed.success).to.equal(false);
      const issues = parsed.success ? [] : toFieldIssues(parsed.error);
      const match = issues.find((i) => i.path === path);
      expect(match, JSON.stringify(issues)).to.not.equal(undefined);
      expect(match!.message).to.match(message);
    });
  }

  it('applies the documented defaults: retry 3 attempts, parallel 10, onTimeout reject, onReject fail, mcp args {}', () => {
    const parsed = PlanDocumentSchema.parse(
      wrap({
        id: 's',
        type: 'parallel',
        children: [
          { ...leaf, retry: {} },
          { id: 'h', type: 'human_approval', title: 't', prompt: 'p' },
          { id: 'm', type: 'mcp_tool', server: 'a', tool: 'b' },
        ],
      }),
    );
    const root = parsed.root as unknown as { maxConcurrency: number; children: Record<string, unknown>[] };
    expect(root.maxConcurrency).to.equal(10);
    expect(root.children[0]!.retry).to.deep.equal({ maxAttempts: 3, backoffMs: 1000, factor: 2 });
    expect(root.children[1]).to.include({ onTimeout: 'reject', onReject: 'fail' });
    expect(root.children[2]!.args).to.deep.equal({});
  });

  it('exports a JSON Schema that agrees with the Zod schema on every example, and schemas/plan.schema.json is up to date', async () => {
    const schema = planJsonSchema(registry);
    const onDisk = JSON.parse(await readFile(new URL('../../schemas/plan.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(onDisk, 'run: orch plan:schema --out schemas/plan.schema.json').to.deep.equal(schema);
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    const check = ajv.compile(schema);
    for (const node of Object.values(valid)) expect(check(wrap(node)), JSON.stringify(check.errors)).to.equal(true);
    for (const [, node] of invalid) expect(check(wrap(node)), JSON.stringify(node)).to.equal(false);
    for (const name of ['serial', 'parallel', 'conditional', 'loop', 'mixed']) {
      const example = JSON.parse(await readFile(new URL(`../../examples/plans/${name}.json`, import.meta.url), 'utf8')) as { $schema: string };
      expect(example.$schema).to.equal('../../schemas/plan.schema.json');
      expect(check(example), `${name}: ${JSON.stringify(check.errors)}`).to.equal(true);
    }
  });
});

import { expect } from 'chai';
import fc from 'fast-check';
import { isOrchError } from '../../kernel/index.js';
import { NodeAdapterRegistry, PlanValidator, type DryRunNodeReport, type DryRunReport, type PlanIssue } from '../../plugins/plans/api/index.js';
import { bootPlansKernel } from '../support/plans-adapters.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

/**
 * Property tests of the dry run: thousands of generated, mutated and random documents never crash
 * it, every rejection carries a path, and it never accepts what the Plan schema refuses.
 */
describe('plans: dry run under random and mutated plans', function () {
  this.timeout(240_000);
  let home: TestHome;
  let validator: PlanValidator;
  /** The Plan schema with the test adapters' node types (each type's fields checked by its adapter). */
  let PlanDocumentSchema: NodeAdapterRegistry['schemas']['document'];

  before(async () => {
    home = await createTestHome();
    const kernel = await bootPlansKernel(home);
    validator = kernel.container.get<PlanValidator>(PlanValidator);
    PlanDocumentSchema = kernel.container.get<NodeAdapterRegistry>(NodeAdapterRegistry).schemas.document;
  });
  after(() => home.cleanup());

  const ids = fc.constantFrom('a', 'b', 'c', 'd', 'fetch', 'sum', 'x-1', 'loop', 'A', '9bad', '');
  const expressions = fc.constantFrom(
    'true',
    'nodes.a.value',
    'nodes.fetch.body.items[price > 10].name',
    '$count(nodes.b) > index',
    'vars.v',
    'input.topic',
    'item.name',
    'nodes.`x-1`',
    'nodes.(',
    '',
    '$not(nodes.c.done)',
    'unknown.thing',
  );
  const template = expressions.map((e) => `{{ ${e} }}`);
  const params = fc.dictionary(fc.constantFrom('value', 'text', 'to', 'command', 'operation', 'path'), fc.oneof(template, fc.jsonValue({ maxDepth: 2 })), { maxKeys: 3 });
  const common = fc.record(
    {
      title: fc.string({ maxLength: 10 }),
      requiresApproval: fc.boolean(),
      waiveApproval: fc.constantFrom('reviewed', ''),
      riskLevel: fc.constantFrom('low', 'medium', 'high', 'critical', 'extreme'),
      inputs: fc.dictionary(fc.constantFrom('v', 'w', 'bad name'), expressions, { maxKeys: 2 }),
      retry: fc.record({ maxAttempts: fc.integer({ min: -1, max: 12 }) }),
      timeoutMs: fc.integer({ min: -5, max: 100_000 }),
    },
    { requiredKeys: [] },
  );

  const { node } = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(ids, fc.constantFrom('echo', 'count', 'shell', 'files', 'ftp'), params, common).map(([id, kind, p, c]) => ({ ...c, id, type: 'local_task', kind, params: p })),
      fc.tuple(ids, fc.constantFrom('summarizer', 'nobody'), fc.oneof(template, fc.jsonValue({ maxDepth: 1 })), common).map(([id, agent, input, c]) => ({ ...c, id, type: 'agent_invocation', agent, input })),
      fc.tuple(ids, fc.constantFrom('sample', 'elsewhere'), fc.constantFrom('text_stats', 'nope'), params).map(([id, server, tool, args]) => ({ id, type: 'mcp_tool', server, tool, args })),
      fc.tuple(ids, fc.constantFrom('billing', 'payroll'), fc.constantFrom('GET', 'POST', 'BREW'), fc.constantFrom('/x', 'x')).map(([id, service, method, path]) => ({ id, type: 'external_service', service, operation: { method, path } })),
      fc.tuple(ids, fc.string({ maxLength: 8 }), template, fc.constantFrom('fail', 'continue', 'explode')).map(([id, title, prompt, onReject]) => ({ id, type: 'human_approval', title, prompt, onReject })),
      fc.tuple(ids, fc.array(tie('node'), { maxLength: 4 }), common).map(([id, children, c]) => ({ ...c, id, type: 'sequence', children })),
      fc.tuple(ids, fc.array(tie('node'), { maxLength: 4 }), fc.integer({ min: 0, max: 12 })).map(([id, children, maxConcurrency]) => ({ id, type: 'parallel', children, maxConcurrency })),
      fc
        .tuple(ids, fc.array(fc.record({ when: expressions, then: tie('node') }), { maxLength: 3 }), fc.option(tie('node'), { nil: undefined }))
        .map(([id, branches, otherwise]) => ({ id, type: 'conditional', branches, ...(otherwise === undefined ? {} : { else: otherwise }) })),
      fc
        .tuple(ids, tie('node'), fc.constantFrom('while', 'forEach', 'both', 'neither'), expressions, fc.option(fc.integer({ min: -1, max: 20_000 }), { nil: undefined }))
        .map(([id, body, mode, expression, maxIterations]) => ({
          id,
          type: 'loop',
          body,
          ...(mode === 'while' || mode === 'both' ? { while: expression } : {}),
          ...(mode === 'forEach' || mode === 'both' ? { forEach: expression } : {}),
          ...(maxIterations === undefined ? {} : { maxIterations }),
        })),
    ),
  }));

  const plan = fc.record({
    id: fc.constantFrom('p', 'plan-1', 'Bad Id'),
    name: fc.constantFrom('P', ''),
    goal: fc.constantFrom('do things'),
    inputs: fc.option(fc.dictionary(fc.constantFrom('topic', 'count'), fc.record({ type: fc.constantFrom('string', 'number', 'date') })), { nil: undefined }),
    root: node,
  });

  /** Plans that are valid as generated (unique ids, known kinds, bounded loops): the accepted side. */
  const { cleanNode } = fc.letrec<{ cleanNode: unknown }>((tie) => ({
    cleanNode: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(
        { type: 'local_task', kind: 'echo', params: { text: '{{ input.topic }}' } },
        { type: 'local_task', kind: 'count', params: { to: 3 } },
        { type: 'local_task', kind: 'files', params: { operation: 'read', path: 'a.txt' } },
        { type: 'local_task', kind: 'shell', params: { command: 'ls' }, waiveApproval: 'read-only listing of the folder' },
        { type: 'agent_invocation', agent: 'summarizer', input: 'hello' },
        { type: 'mcp_tool', server: 'sample', tool: 'hash_text', args: { text: 'x' } },
        { type: 'external_service', service: 'billing', operation: { method: 'GET', path: '/ping' } },
        { type: 'human_approval', title: 'OK?', prompt: 'Go on?' },
      ),
      fc.array(tie('cleanNode'), { minLength: 1, maxLength: 4 }).map((children) => ({ type: 'sequence', children })),
      fc.array(tie('cleanNode'), { minLength: 1, maxLength: 4 }).map((children) => ({ type: 'parallel', children, maxConcurrency: 3 })),
      fc.tuple(tie('cleanNode'), fc.option(tie('cleanNode'), { nil: undefined })).map(([then, otherwise]) => ({
        type: 'conditional',
        branches: [{ when: 'input.topic = "x"', then }],
        ...(otherwise === undefined ? {} : { else: otherwise }),
      })),
      tie('cleanNode').map((body) => ({ type: 'loop', forEach: '[1, 2, 3]', maxIterations: 3, body })),
    ),
  }));
  const cleanPlan = cleanNode.map((root) => {
    const copy = JSON.parse(JSON.stringify(root)) as Record<string, unknown>;
    let next = 0;
    const name = (n: Record<string, unknown>): void => {
      n.id = `n${next++}`;
      for (const child of [...((n.children as unknown[]) ?? []), ...(((n.branches as { then: unknown }[]) ?? []).map((b) => b.then)), n.else, n.body]) {
        if (child) name(child as Record<string, unknown>);
      }
    };
    name(copy);
    return { id: 'clean', name: 'Clean', goal: 'valid by construction', inputs: { topic: { type: 'string' } }, root: copy };
  });

  /** Changes `document` at `count` random places: delete, replace with random JSON, retype, duplicate. */
  const mutated = fc.tuple(fc.oneof(plan, cleanPlan), fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.jsonValue({ maxDepth: 2 })), { minLength: 1, maxLength: 4 })).map(([document, edits]) => {
    const copy = JSON.parse(JSON.stringify(document)) as unknown;
    for (const [where, how, value] of edits) {
      const places = containers(copy);
      if (places.length === 0) break;
      const { parent, key } = places[where % places.length]!;
      const record = parent as Record<string | number, unknown>;
      if (how === 0) Array.isArray(parent) ? parent.splice(Number(key), 1) : delete record[key];
      else if (how === 1) record[key] = value;
      else if (how === 2) record[key] = typeof value === 'string' ? value : { type: 'sequence', id: 'dup', children: [record[key]] };
      else if (Array.isArray(parent)) parent.push(JSON.parse(JSON.stringify(record[key] ?? null)));
      else record[key] = [record[key]];
    }
    return copy;
  });

  function containers(value: unknown): { parent: unknown; key: string | number }[] {
    const out: { parent: unknown; key: string | number }[] = [];
    const visit = (current: unknown) => {
      if (current === null || typeof current !== 'object') return;
      for (const key of Array.isArray(current) ? current.keys() : Object.keys(current)) {
        out.push({ parent: current, key });
        visit((current as Record<string | number, unknown>)[key]);
      }
    };
    visit(value);
    return out;
  }

  function issuesOf(report: DryRunReport): PlanIssue[] {
    const walk = (n?: DryRunNodeReport): PlanIssue[] => (n ? [...n.issues, ...n.children.flatMap(walk)] : []);
    return [...report.issues, ...walk(report.root)];
  }

  const stats = { runs: 0, rejected: 0, accepted: 0 };

  async function holds(document: unknown): Promise<void> {
    stats.runs++;
    const report = await validator.dryRun(document);
    expect(() => JSON.stringify(report)).to.not.throw();
    const issues = issuesOf(report);
    const errors = issues.filter((i) => i.severity === 'error');
    expect(report.errorCount).to.equal(errors.length);
    expect(report.warningCount).to.equal(issues.length - errors.length);
    expect(report.ok).to.equal(errors.length === 0);
    for (const issue of issues) {
      expect(issue.path, JSON.stringify(issue)).to.be.a('string').and.not.equal('');
      expect(issue.message, JSON.stringify(issue)).to.be.a('string').and.not.equal('');
    }
    if (report.ok) {
      stats.accepted++;
      expect(PlanDocumentSchema.safeParse(document).success, 'accepted a plan the schema refuses').to.equal(true);
      await validator.validate(document);
    } else {
      stats.rejected++;
      try {
        await validator.validate(document);
        expect.fail('validate accepted a plan the dry run rejects');
      } catch (error) {
        expect(isOrchError(error) && error.code).to.equal('invalid_input');
      }
    }
  }

  it('generated plans (2000): no crash, every rejection has a path', async () => {
    await fc.assert(fc.asyncProperty(plan, holds), { numRuns: 2000 });
  });

  it('plans valid by construction (1000): all accepted', async () => {
    await fc.assert(
      fc.asyncProperty(cleanPlan, async (document) => {
        await holds(document);
        const report = await validator.dryRun(document);
        expect(report.ok, JSON.stringify(issuesOf(report))).to.equal(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated plans (2000): no crash, every rejection has a path', async () => {
    await fc.assert(fc.asyncProperty(mutated, holds), { numRuns: 2000 });
  });

  it('random JSON and JSON text (1000): no crash, every rejection has a path', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.anything(), fc.string(), fc.json()), holds), { numRuns: 1000 });
  });

  after(() => {
    // Visible in the mocha output: how many plans were tried and how they split.
    console.log(`      (${stats.runs} documents: ${stats.accepted} accepted, ${stats.rejected} rejected)`);
  });
});

import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { PlanValidator, type DryRunNodeReport, type DryRunReport } from '../../plugins/plans/api/index.js';
import { createBundledHome, EXAMPLE_PLANS } from '../support/plans-bundled-home.js';
import type { TestHome } from '../support/test-home.js';

/**
 * The example plans pass the dry run with the bundled defaults and every business plugin loaded —
 * the real adapters, the real agent registry and the real sample MCP server (tool existence and
 * arguments included).
 */
describe('plans: example plans pass the dry run with the bundled defaults', function () {
  this.timeout(60_000);
  let home: TestHome;
  let validator: PlanValidator;

  before(async () => {
    home = await createBundledHome();
    const kernel = await home.boot({ role: 'cli' });
    await kernel.start();
    validator = kernel.container.get<PlanValidator>(PlanValidator);
  });
  after(() => home.cleanup());

  const types = (node: DryRunNodeReport | undefined): string[] => (node ? [node.type, ...node.children.flatMap(types)] : []);
  const allIssues = (report: DryRunReport) => {
    const walk = (n?: DryRunNodeReport): unknown[] => (n ? [...n.issues, ...n.children.flatMap(walk)] : []);
    return [...report.issues, ...walk(report.root)];
  };

  for (const example of EXAMPLE_PLANS) {
    it(`${example.name}.json: valid; its MCP tools were reached and checked`, async () => {
      const report = await validator.dryRun(await readFile(example.file, 'utf8'), { source: example.file });
      const issues = allIssues(report) as { severity: string; field?: string; message: string }[];
      expect(issues.filter((i) => i.severity === 'error'), JSON.stringify(issues, null, 1)).to.deep.equal([]);
      expect(report.ok).to.equal(true);
      // The only warning allowed: no local model server answering (the agent's endpoint is probed).
      const others = issues.filter((i) => !(i.field === 'agent' && /cannot be reached/.test(i.message)));
      expect(others, JSON.stringify(others, null, 1)).to.deep.equal([]);
    });
  }

  it('together they use every composite type and mix local tasks, an agent and MCP tools', async () => {
    const seen = new Set<string>();
    for (const example of EXAMPLE_PLANS) for (const type of types((await validator.dryRun(await readFile(example.file, 'utf8'))).root)) seen.add(type);
    expect([...seen]).to.include.members(['sequence', 'parallel', 'conditional', 'loop', 'local_task', 'agent_invocation', 'mcp_tool', 'human_approval']);
    const mixed = types((await validator.dryRun(await readFile(EXAMPLE_PLANS.find((e) => e.name === 'mixed')!.file, 'utf8'))).root);
    expect(mixed).to.include.members(['local_task', 'agent_invocation', 'mcp_tool']);
  });
});

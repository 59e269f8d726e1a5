import { expect } from 'chai';
import { isOrchError } from '../../kernel/index.js';
import { RunService, type RunRecord } from '../../plugins/executor/api/index.js';
import { PlanStore } from '../../plugins/plans/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import { PlanDesigner } from '../../plugins/plans/design/plan-designer.js';
import { jsonReply } from '../support/agents-openai-server.js';
import { ALL_TEST_ADAPTERS } from '../support/plans-adapters.js';
import { createDesignerHome, designedPlan } from '../support/plans-designer-home.js';
import { NodeAdapter } from '../../plugins/plans/api/index.js';

/** The Designer against a real OpenAI-compatible HTTP server speaking Chat Completions, scripted per test. */
describe('plans: the Designer', function () {
  this.timeout(60_000);
  let env: Awaited<ReturnType<typeof createDesignerHome>>;
  let kernel: Kernel;
  let designer: PlanDesigner;
  /** What the stand-in executor knows about runs. */
  let runs: RunRecord[] = [];

  beforeEach(async () => {
    env = await createDesignerHome();
    kernel = await env.home.boot({ only: ['plans', 'agents'] });
    for (const adapter of ALL_TEST_ADAPTERS.filter((a) => a.type !== 'agent_invocation')) kernel.container.bind(NodeAdapter).toConstantValue(adapter);
    runs = [];
    kernel.container.bind(RunService).toConstantValue({
      get: async (id: string) => runs.find((r) => r.runId === id) ?? Promise.reject(new Error(`no run ${id}`)),
      list: async () => runs,
    } as unknown as RunService);
    await kernel.start();
    designer = kernel.container.get(PlanDesigner);
  });
  afterEach(() => env.cleanup());

  const systemOf = (i: number) => String(env.model.completions[i]!.messages[0]!.content);
  const lastUserOf = (i: number) => String(env.model.completions[i]!.messages.at(-1)!.content);

  it('valid at once: one model call with the Plan schema as structured output and the catalog in the instructions', async () => {
    env.model.enqueue(jsonReply(designedPlan()));
    const result = await designer.design('Send a weekly digest of the topic');
    expect(result.rounds).to.equal(1);
    expect(result.report.ok).to.equal(true);
    expect(result.document.id).to.equal('weekly-digest');
    expect(result.document.goal, 'the goal is the one asked for').to.equal('Send a weekly digest of the topic');
    const request = env.model.completions[0]!;
    expect(request.model).to.equal('planner-1');
    expect(request.response_format?.type).to.equal('json_schema');
    const schema = request.response_format!.json_schema!.schema as { $defs?: Record<string, unknown>; properties: Record<string, unknown> };
    expect(Object.keys(schema.$defs ?? {})).to.include('PlanNode');
    expect(schema.properties).to.have.keys('$schema', 'id', 'name', 'goal', 'description', 'version', 'createdAt', 'createdBy', 'inputs', 'root');
    expect(systemOf(0)).to.match(/local_task:echo/).and.match(/JSONata/).and.match(/waiveApproval/);
    expect(lastUserOf(0)).to.match(/Business goal: Send a weekly digest of the topic/);
  });

  it('invalid, then repaired: the dry-run errors go back to the model with their paths', async () => {
    const dangling = designedPlan({}, { params: { topic: '{{ nodes.nothing.value }}' } });
    (dangling.root as { children: unknown[] }).children.push({ id: 'loop', type: 'loop', while: 'true', body: { id: 'tick', type: 'local_task', kind: 'echo', params: {} } });
    env.model.enqueue(jsonReply(dangling), jsonReply(designedPlan()));
    const rounds: string[][] = [];
    const result = await designer.design('Digest', { onRound: (_round, problems) => rounds.push(problems) });
    expect(result.rounds).to.equal(2);
    expect(rounds).to.have.length(1);
    const feedback = lastUserOf(1);
    expect(feedback).to.match(/root\.children\.2\.maxIterations: a loop must be bounded/);
    // Every problem of one answer in the same round: the schema's and the dry run's of what parses.
    expect(feedback).to.match(/root\.children\.0\.params\.topic: reads nodes\.nothing, but no node has id "nothing"/);
    env.model.enqueue(jsonReply(designedPlan({}, { params: { topic: '{{ nodes.nothing.value }}' } })), jsonReply(designedPlan()));
    const second = await designer.design('Digest again');
    expect(second.rounds).to.equal(2);
    expect(lastUserOf(3)).to.match(/root\.children\.0\.params\.topic: reads nodes\.nothing, but no node has id "nothing"/);
  });

  it('gives up after N repair rounds with a clear error listing what is still wrong', async () => {
    const broken = designedPlan({}, { kind: 'ftp' });
    env.model.enqueue(jsonReply(broken), jsonReply(broken), jsonReply(broken));
    try {
      await designer.design('Digest', { rounds: 2 });
      expect.fail('should give up');
    } catch (error) {
      expect(isOrchError(error) && error.code).to.equal('invalid_input');
      expect((error as Error).message).to.match(/no valid Orch plan after 3 attempts, 2 repair rounds\./);
      expect((error as Error).message).to.match(/root\.children\.0\.kind: unknown local_task kind "ftp"/);
    }
    expect(env.model.completions).to.have.length(3);
  });

  it('keeps the model from taking an existing plan id unless asked, and pins --id', async () => {
    const store = kernel.container.get<PlanStore>(PlanStore);
    await store.save(designedPlan({ goal: 'older' }) as never, { operator: 'ann' });
    env.model.enqueue(jsonReply(designedPlan()), jsonReply(designedPlan()));
    expect((await designer.design('Digest')).document.id).to.equal('weekly-digest-2');
    expect((await designer.design('Digest', { planId: 'digest' })).document.id).to.equal('digest');
  });

  it('re-plans from the goal, the run (failed nodes and errors) and the feedback; the id and goal stay', async () => {
    const store = kernel.container.get<PlanStore>(PlanStore);
    await store.save(designedPlan({ goal: 'A digest every week' }) as never, { operator: 'ann' });
    const run = {
      runId: 'run-1',
      planId: 'weekly-digest',
      planVersion: 1,
      status: 'needs_attention',
      mode: 'json',
      operator: 'ann',
      inputs: {},
      createdAt: '2026-11-24T08:00:00Z',
      updatedAt: '2026-11-24T08:01:00Z',
      nodes: {
        collect: { status: 'succeeded', attempts: 1, outputSummary: '{"topic":"x"}' },
        measure: { status: 'needs_attention', attempts: 3, error: 'MCP server sample could not be reached' },
      },
    } as unknown as RunRecord;
    runs = [run];
    env.model.enqueue(jsonReply(designedPlan({ id: 'something-else', goal: 'changed' })));
    const result = await designer.replan('weekly-digest', { feedback: 'retry the MCP call less often' });
    expect(result.run?.runId, 'the newest run of the plan').to.equal('run-1');
    expect(result.document.id).to.equal('weekly-digest');
    expect(result.document.goal).to.equal('A digest every week');
    const prompt = lastUserOf(0);
    expect(prompt).to.match(/The current plan \(version 1\)/);
    expect(prompt).to.match(/run run-1 of version 1: needs_attention/);
    expect(prompt).to.match(/- measure: needs_attention after 3 attempts: MCP server sample could not be reached/);
    expect(prompt).to.match(/Feedback from the operator: retry the MCP call less often/);
  });

  it('refuses to re-plan with nothing to learn from', async () => {
    await kernel.container.get<PlanStore>(PlanStore).save(designedPlan() as never, { operator: 'ann' });
    try {
      await designer.replan('weekly-digest');
      expect.fail('should refuse');
    } catch (error) {
      expect((error as Error).message).to.match(/Nothing to replan weekly-digest from.*--feedback/);
    }
  });
});

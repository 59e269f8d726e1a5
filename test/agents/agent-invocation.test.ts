import { expect } from 'chai';
import { Logger, type OrchError, type OrchEvent } from '../../kernel/index.js';
import { type AgentInvocationOutput } from '../../plugins/agents/api/index.js';
import { adapterKey, NodeAdapter, type LeafNode, type NodeRunContext } from '../../plugins/plans/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import { agentConfig, createAgentsHome, type AgentsHome } from '../support/agents-home.js';
import { jsonReply, startOpenAiServer, textReply, toolCallReply, type OpenAiTestServer } from '../support/agents-openai-server.js';
import { freePort, sampleStdio } from '../support/mcp-peers.js';

type Params = { agent: string; input: unknown; outputSchema?: Record<string, unknown> };

const SUMMARY_SCHEMA = {
  type: 'object',
  properties: { title: { type: 'string' }, bullets: { type: 'array', items: { type: 'string' }, maxItems: 2 } },
  required: ['title', 'bullets'],
  additionalProperties: false,
};

describe('agents: agent_invocation nodes on @openai/agents', function () {
  let server: OpenAiTestServer;
  let home: AgentsHome;
  let kernel: Kernel;
  let events: OrchEvent[];
  let adapter: NodeAdapter<Params, AgentInvocationOutput>;

  before(async () => {
    server = await startOpenAiServer();
    home = await createAgentsHome({ baseURL: server.baseURL });
    await home.writeConfig('mcp.servers.json', { sample: sampleStdio() });
    await home.writeAgent('writer.json', agentConfig('writer', { instructions: 'Write what you are asked.', model: { settings: { temperature: 0.3 } } }));
    await home.writeAgent('summarizer.json', agentConfig('summarizer', { outputSchema: SUMMARY_SCHEMA, riskLevel: 'low' }));
    await home.writeAgent('analyst.json', agentConfig('analyst', { tools: [{ mcp: 'sample', allow: ['text_stats'] }], maxTurns: 4 }));
    await home.writeAgent('front.json', agentConfig('front', { instructions: 'Hand billing questions to billing.', handoffs: ['billing'] }));
    await home.writeAgent('billing.json', agentConfig('billing', { instructions: 'You answer billing questions.', handoffs: ['front'] }));
    await home.writeAgent('looper.json', agentConfig('looper', { tools: [{ mcp: 'sample', allow: ['hash_text'] }], maxTurns: 2 }));
    ({ kernel, events } = await home.bootAgents({ plugins: ['mcp-bridge'] }));
    adapter = kernel.resolveAll<NodeAdapter>(NodeAdapter).find((a) => adapterKey(a) === 'agent_invocation') as NodeAdapter<Params, AgentInvocationOutput>;
  });
  after(async () => {
    await home.cleanup();
    await server.close();
  });
  beforeEach(() => server.respondWith(undefined));

  function context(params: Params, extra: Partial<NodeRunContext<Params>> = {}): NodeRunContext<Params> {
    const node = { id: 'ask', type: 'agent_invocation', agent: params.agent, input: params.input } as LeafNode;
    let scratch: unknown;
    return {
      runId: 'run-agents-1',
      planId: 'p',
      planVersion: 1,
      nodeId: 'ask',
      node,
      attempt: 1,
      idempotencyKey: 'run-agents-1:ask:1',
      params,
      vars: {},
      signal: new AbortController().signal,
      operator: 'tester',
      logger: kernel.get<Logger>(Logger),
      scratch: { get: <T>() => scratch as T, set: async (v) => void (scratch = v) },
      reportProgress: () => undefined,
      ...extra,
    };
  }

  async function failureOf(promise: Promise<unknown>): Promise<OrchError> {
    try {
      await promise;
    } catch (error) {
      return error as OrchError;
    }
    throw new Error('expected a failure');
  }

  it('answers with text and records model and usage; the request carries instructions, model and settings', async () => {
    server.enqueue(textReply('A short poem.', { usage: { promptTokens: 30, completionTokens: 6 } }));
    const output = await adapter.run(context({ agent: 'writer', input: { topic: 'rain' } }));
    expect(output).to.deep.include({ output: 'A short poem.', agent: 'writer', answeredBy: 'writer', model: { provider: 'test', name: 'test-model' } });
    expect(output.usage).to.deep.equal({ requests: 1, inputTokens: 30, outputTokens: 6, totalTokens: 36 });
    const sent = server.completions.at(-1)!;
    expect(sent.model).to.equal('test-model');
    expect(sent.temperature).to.equal(0.3);
    expect(sent.messages[0]).to.deep.include({ role: 'system', content: 'Write what you are asked.' });
    expect(String(sent.messages[1]!.content)).to.include('"topic": "rain"');
  });

  it('calls an MCP tool of the sample server through the bridge, recorded by onToolInvoke', async () => {
    server.respondWith((body) =>
      body.messages.some((m) => m.role === 'tool') ? textReply('The text has 4 words.') : toolCallReply('text_stats', { text: 'one two three four' }),
    );
    const output = await adapter.run(context({ agent: 'analyst', input: 'Describe: one two three four' }));
    expect(output.output).to.equal('The text has 4 words.');
    expect(output.toolCalls).to.deep.equal([{ tool: 'text_stats', alias: 'sample', outcome: 'ok' }]);
    expect(output.usage.requests).to.equal(2);

    const offered = server.completions.at(-2)!.tools!.map((t) => t.function.name);
    expect(offered).to.deep.equal(['text_stats']); // only the allowed tool
    const toolMessage = server.completions.at(-1)!.messages.find((m) => m.role === 'tool')!;
    expect(JSON.parse(String(toolMessage.content))).to.include({ words: 4 });

    const invoked = events.find((e) => e.type === 'tool.invoked' && e.tool === 'text_stats');
    expect(invoked).to.deep.include({ alias: 'sample', runId: 'run-agents-1', nodeId: 'ask', operator: 'tester', outcome: 'ok' });
    await kernel.get<Logger>(Logger).flush();
    const logged = (await home.logLines()).filter((l) => l.tool === 'sample/text_stats');
    expect(logged, 'one tool line in logs/app.jsonl').to.have.length.greaterThan(0);
    expect(logged[0]).to.deep.include({ category: 'tool', caller: 'agent', runId: 'run-agents-1', nodeId: 'ask', outcome: 'ok' });
  });

  it('hands off to another agent of the registry, which gives the answer', async () => {
    server.enqueue(toolCallReply('transfer_to_billing', {}), textReply('Your invoice is paid.'));
    const output = await adapter.run(context({ agent: 'front', input: 'Is my invoice paid?' }));
    expect(output).to.deep.include({ output: 'Your invoice is paid.', agent: 'front', answeredBy: 'billing' });
    expect(server.completions.at(-1)!.messages[0]).to.deep.include({ role: 'system', content: 'You answer billing questions.' });
  });

  it('returns the structured answer when it matches the output schema', async () => {
    server.enqueue(jsonReply({ title: 'Rain', bullets: ['wet', 'grey'] }));
    const output = await adapter.run(context({ agent: 'summarizer', input: 'It rains.' }));
    expect(output.output).to.deep.equal({ title: 'Rain', bullets: ['wet', 'grey'] });
    expect(server.completions.at(-1)!.response_format).to.deep.include({ type: 'json_schema' });
  });

  it('fails the node when the structured answer does not match the output schema, naming the fields', async () => {
    server.enqueue(jsonReply({ title: 'Rain', bullets: ['a', 'b', 'c'], mood: 'sad' }));
    const failure = await failureOf(adapter.run(context({ agent: 'summarizer', input: 'It rains.' })));
    expect(failure.message).to.match(/^Agent "summarizer" answered, but the answer does not match the output schema: /);
    expect(failure.message).to.include('bullets: must NOT have more than 2 items').and.include('mood: is not allowed by the output schema');
  });

  it("applies the node's outputSchema over the agent's own", async () => {
    server.enqueue(jsonReply({ value: ['x', 'y'] }));
    const output = await adapter.run(context({ agent: 'writer', input: 'list two letters', outputSchema: { type: 'array', items: { type: 'string' } } }));
    expect(output.output).to.deep.equal(['x', 'y']);
  });

  it('stops at maxTurns with a clear failure', async () => {
    server.respondWith(() => toolCallReply('hash_text', { text: 'again' }));
    const failure = await failureOf(adapter.run(context({ agent: 'looper', input: 'hash forever' })));
    expect(failure.message).to.equal('Agent "looper" did not finish within maxTurns 2; raise maxTurns in agents-config/looper.json or give it a narrower task');
  });

  it('maps a model that breaks the protocol to a clear failure', async () => {
    server.enqueue(toolCallReply('no_such_tool', {}));
    const failure = await failureOf(adapter.run(context({ agent: 'writer', input: 'x' })));
    expect(failure.message).to.match(/^Agent "writer": the model test-model misbehaved: .*no_such_tool/);
  });

  it('stops promptly when the node is aborted (timeout)', async () => {
    server.enqueue(textReply('too late', { delayMs: 10_000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(Object.assign(new Error('node timed out'), { name: 'TimeoutError' })), 200);
    const started = Date.now();
    const failure = await failureOf(adapter.run(context({ agent: 'writer', input: 'x' }, { signal: controller.signal })));
    expect(failure.code).to.equal('timeout');
    expect(failure.message).to.equal('Agent "writer" was stopped by the node timeout');
    expect(Date.now() - started, 'hang guard').to.be.below(5_000);
  });

  it('dry run: names an unknown agent with the known ones, and a broken output schema', async () => {
    const node = { id: 'n', type: 'agent_invocation', agent: 'ghost', input: 'x' } as LeafNode;
    const logger = kernel.get<Logger>(Logger);
    const unknown = await adapter.dryRun!({ node, params: { agent: 'ghost', input: 'x' }, logger });
    expect(unknown).to.deep.equal([{ path: 'agent', message: 'unknown agent "ghost"; known agents: analyst, billing, front, looper, summarizer, writer' }]);
    const broken = await adapter.dryRun!({ node, params: { agent: 'writer', input: 'x', outputSchema: { type: 'nope' } }, logger });
    expect(broken[0]).to.deep.include({ path: 'outputSchema' });
    expect(await adapter.dryRun!({ node, params: { agent: 'analyst', input: 'x' }, logger })).to.deep.equal([]);
    expect(adapter.riskOf!({ agent: 'summarizer', input: 'x' })).to.equal('low');
  });
});

describe('agents: agent_invocation against an unreachable provider', () => {
  it('reports the refused connection within a second as the node failure', async () => {
    const port = await freePort();
    const home = await createAgentsHome({ baseURL: `http://127.0.0.1:${port}/v1` });
    try {
      await home.writeAgent('writer.json', agentConfig('writer'));
      const { kernel } = await home.bootAgents();
      const adapter = kernel.resolveAll<NodeAdapter>(NodeAdapter).find((a) => adapterKey(a) === 'agent_invocation')!;
      const started = Date.now();
      const failure = await (adapter.run({ params: { agent: 'writer', input: 'x' }, operator: 't', signal: new AbortController().signal } as never) as Promise<unknown>).then(
        () => undefined,
        (e: OrchError) => e,
      );
      expect(failure?.code).to.equal('unavailable');
      expect(failure?.message).to.include(`Model provider "test" at http://127.0.0.1:${port}/v1 cannot be reached (connection refused)`);
      expect(Date.now() - started, 'hang guard').to.be.below(5_000);
    } finally {
      await home.cleanup();
    }
  });
});

import { expect } from 'chai';
import type { OrchError } from '../../kernel/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import { MetaAgent } from '../../plugins/agents/meta-agent.js';
import { agentConfig, createAgentsHome, type AgentsHome } from '../support/agents-home.js';
import { jsonReply, startOpenAiServer, type OpenAiTestServer } from '../support/agents-openai-server.js';
import { sampleStdio } from '../support/mcp-peers.js';

/** A draft as the Meta Agent's structured output has it (every field present, null where unused). */
function draft(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'word-counter',
    description: 'Counts the words of a text with the sample MCP server.',
    instructions: 'Call text_stats on the text and answer with the word count.',
    model: { provider: null, name: null },
    tools: [{ kind: 'mcp', name: 'sample', allow: ['text_stats'] }],
    outputSchemaJson: null,
    maxTurns: 4,
    riskLevel: 'low',
    handoffs: [],
    ...extra,
  };
}

describe('agents: the Meta Agent', function () {
  let server: OpenAiTestServer;
  let home: AgentsHome;
  let kernel: Kernel;
  let meta: MetaAgent;

  before(async () => {
    server = await startOpenAiServer();
    home = await createAgentsHome({ baseURL: server.baseURL });
    await home.writeConfig('mcp.servers.json', { sample: sampleStdio() });
    await home.writeAgent('helper.json', agentConfig('helper'));
    ({ kernel } = await home.bootAgents({ plugins: ['mcp-bridge'] }));
    meta = kernel.container.get<MetaAgent>(MetaAgent);
  });
  after(async () => {
    await home.cleanup();
    await server.close();
  });
  beforeEach(() => server.respondWith(undefined));

  it('turns a valid answer into an agent config at once, asking with a strict JSON schema and real tool names', async () => {
    server.enqueue(jsonReply(draft({ outputSchemaJson: '{"type":"object","properties":{"words":{"type":"integer"}},"required":["words"]}' })));
    const generated = await meta.generate({ description: 'count words of a text' });
    expect(generated.rounds).to.equal(1);
    expect(generated.config).to.deep.include({ name: 'word-counter', maxTurns: 4, riskLevel: 'low', version: '1.0.0' });
    expect(generated.config.tools).to.deep.equal([{ mcp: 'sample', allow: ['text_stats'] }]);
    expect(generated.config.outputSchema).to.deep.include({ type: 'object' });
    expect(generated.config.model).to.deep.equal({});

    const sent = server.completions.at(-1)!;
    expect(sent.response_format?.json_schema).to.deep.include({ name: 'agent_config', strict: true });
    const prompt = String(sent.messages[1]!.content);
    expect(prompt).to.include('count words of a text');
    expect(prompt).to.include('MCP server "sample" tools:').and.include('text_stats');
    expect(prompt).to.include('helper: The helper agent');
  });

  it('feeds back invalid answers (schema and unknown tools) and returns the repaired config', async () => {
    server.enqueue(
      jsonReply(draft({ name: 'Word Counter', tools: [{ kind: 'mcp', name: 'sample', allow: ['count_words'] }] })),
      jsonReply(draft({ tools: [{ kind: 'mcp', name: 'sample', allow: ['count_words'] }] })),
      jsonReply(draft()),
    );
    const rounds: string[][] = [];
    const generated = await meta.generate({ description: 'count words', onRound: (_r, problems) => rounds.push(problems) });
    expect(generated.rounds).to.equal(3);
    expect(rounds[0]![0]).to.match(/^name: /);
    // Every problem of the first answer at once: the schema's (name) and Orch's check of the parts that parse (the tool).
    expect(rounds[0]).to.include('tools.0.allow: MCP server "sample" has no tool "count_words"; its tools: text_stats, json_transform, hash_text, countdown');
    expect(rounds[1]).to.deep.equal(['tools.0.allow: MCP server "sample" has no tool "count_words"; its tools: text_stats, json_transform, hash_text, countdown']);
    const repair = String(server.completions.at(-1)!.messages.at(-1)!.content);
    expect(repair).to.include('count_words');
  });

  it('forces the requested name and gives up after the repair rounds with a clear error', async () => {
    server.respondWith(() => jsonReply(draft({ handoffs: ['ghost'], outputSchemaJson: '{not json' })));
    try {
      await meta.generate({ description: 'anything', name: 'forced-name', maxRounds: 1 });
      expect.fail('must give up');
    } catch (error) {
      const e = error as OrchError;
      expect(e.code).to.equal('invalid_input');
      expect(e.message).to.match(/gave no valid agent_config after 2 attempts, 1 repair round\./);
      expect(e.message).to.include('outputSchemaJson: is not a JSON object');
    }
    server.respondWith(() => jsonReply(draft({ name: 'something-else', handoffs: ['ghost'] })));
    const failure = await meta.generate({ description: 'anything', name: 'forced-name', maxRounds: 0 }).then(
      () => undefined,
      (e: OrchError) => e,
    );
    expect(failure?.message).to.include('handoffs.0: no agent "ghost" in the registry');
  });

  it('writes agents-config/<name>.json, registers it, and never overwrites without force', async () => {
    server.enqueue(jsonReply(draft({ name: 'writer-two' })));
    const generated = await meta.generate({ description: 'write' });
    const written = await meta.write(generated.config, false);
    expect(written.file).to.match(/agents-config\/writer-two\.json$/);
    expect(await home.readAgent('writer-two.json')).to.deep.include({ name: 'writer-two', riskLevel: 'low' });

    server.enqueue(jsonReply(draft({ name: 'writer-two', description: 'A second version.' })));
    const again = await meta.generate({ description: 'write' });
    expect(again.existing).to.equal('agents-config/writer-two.json');
    const refused = await meta.write(again.config, false).then(() => undefined, (e: OrchError) => e);
    expect(refused?.code).to.equal('conflict');
    expect(refused?.message).to.match(/already registered from agents-config\/writer-two\.json; replace it with --force/);
    await meta.write(again.config, true);
    expect(await home.readAgent('writer-two.json')).to.deep.include({ description: 'A second version.' });
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { Logger, type OrchEvent } from '../../kernel/index.js';
import { RunService } from '../../plugins/executor/api/index.js';
import { agentConfig, createAgentsHome, type AgentsHome } from '../support/agents-home.js';
import { startOpenAiServer, textReply, toolCallReply, type OpenAiTestServer } from '../support/agents-openai-server.js';
import { sampleStdio } from '../support/mcp-peers.js';

/**
 * The acceptance path of the agents issue: a plan mixing an MCP tool node, an agent node whose
 * agent calls an MCP tool itself, a conditional on the agent's structured answer and a file task,
 * run by the real executor against the scripted OpenAI-compatible server.
 */
describe('agents: a mixed plan whose agent calls an MCP tool, run by the executor', function () {
  let server: OpenAiTestServer;
  let home: AgentsHome;

  before(async () => {
    server = await startOpenAiServer();
    home = await createAgentsHome({ baseURL: server.baseURL });
    await home.writeConfig('mcp.servers.json', { sample: sampleStdio() });
    await home.writeAgent(
      'counter.json',
      agentConfig('counter', {
        instructions: 'Count the words of the text with text_stats and judge whether it is long.',
        tools: [{ mcp: 'sample', allow: ['text_stats'] }],
        outputSchema: {
          type: 'object',
          properties: { words: { type: 'integer' }, long: { type: 'boolean' } },
          required: ['words', 'long'],
          additionalProperties: false,
        },
      }),
    );
  });
  after(async () => {
    await home.cleanup();
    await server.close();
  });

  it('completes, with the agent tool call recorded through onToolInvoke in logs/app.jsonl', async () => {
    server.respondWith((body) => {
      const toolMessage = body.messages.find((m) => m.role === 'tool');
      if (!toolMessage) return toolCallReply('text_stats', { text: 'alpha beta gamma' });
      const stats = JSON.parse(String(toolMessage.content)) as { words: number };
      return { json: { words: stats.words, long: stats.words > 100 } };
    });
    const { kernel } = await home.bootAgents({ plugins: ['executor', 'mcp-bridge', 'adapters-local'] });
    const events: OrchEvent[] = [];
    kernel.bus.subscribe((e) => events.push(e));
    const runs = kernel.get<RunService>(RunService);
    const record = await runs.start(
      {
        document: {
          id: 'mixed-agents',
          name: 'Mixed plan with an agent',
          goal: 'count words twice and keep a note',
          root: {
            id: 'main',
            type: 'sequence',
            children: [
              { id: 'direct', type: 'mcp_tool', server: 'sample', tool: 'text_stats', args: { text: 'alpha beta gamma' } },
              { id: 'ask', type: 'agent_invocation', agent: 'counter', input: 'How many words has "alpha beta gamma"? The tool said {{ nodes.direct.structured.words }}.' },
              {
                id: 'branch',
                type: 'conditional',
                branches: [
                  {
                    when: 'nodes.ask.output.words = nodes.direct.structured.words',
                    then: { id: 'note', type: 'local_task', kind: 'file', params: { op: 'write', path: 'notes/words.txt', content: 'agent counted {{ nodes.ask.output.words }} words' } },
                  },
                ],
              },
            ],
          },
        },
      },
      { operator: 'tester' },
    );
    expect(record.status, record.error).to.equal('completed');
    expect(record.nodes.ask).to.include({ status: 'succeeded' });
    expect(record.nodes.note).to.include({ status: 'succeeded' });
    expect(await readFile(join(home.dir, 'workspace', 'notes', 'words.txt'), 'utf8')).to.equal('agent counted 3 words');

    // The agent's own tool call went through the bridge: event and log line carry the run and node.
    const agentCall = events.find((e) => e.type === 'tool.invoked' && e.nodeId === 'ask');
    expect(agentCall).to.deep.include({ alias: 'sample', tool: 'text_stats', runId: record.runId, outcome: 'ok' });
    await kernel.get<Logger>(Logger).flush();
    const lines = (await home.logLines()).filter((l) => l.category === 'tool' && l.nodeId === 'ask');
    expect(lines.map((l) => l.tool)).to.deep.equal(['sample/text_stats']);
    expect(lines[0]).to.deep.include({ caller: 'agent', runId: record.runId });
    // The model saw the rendered template.
    expect(String(server.completions[0]!.messages[1]!.content)).to.include('The tool said 3.');
  });
});

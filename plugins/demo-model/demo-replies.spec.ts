import { expect } from 'chai';
import { demoReply, type ChatRequest } from './demo-replies.js';

const triageSchema = {
  type: 'object',
  properties: {
    category: { enum: ['bug', 'billing', 'account', 'feature_request', 'other'] },
    urgency: { enum: ['low', 'normal', 'high'] },
    reason: { type: 'string' },
  },
  required: ['category', 'urgency', 'reason'],
  additionalProperties: false,
};

/** The parts of the Designer's system prompt the demo reads (designSystemPrompt's layout). */
const designerSystem = [
  'You design plans for Orch, which runs them unattended from start to end.',
  '',
  'Leaf nodes available (risk; "+" = depends on the params):',
  '- human_approval (low): asks a person',
  '- local_task:file (low+): file operations',
  '  params: op*: "write"',
  '',
  'Agents (agent_invocation "agent"; the answer is nodes.<id>.output):',
  '- summarizer (risk low): Summarises a text',
  '- ticket-triage (risk low): Sorts a ticket',
  '',
  'MCP servers and tools (mcp_tool "server" and "tool"; the result is nodes.<id>.text and nodes.<id>.structured):',
  '- sample:',
  '  - text_stats(text*: string, top: integer): Counts words.',
  '  - hash_text(text*: string): Hashes.',
].join('\n');

describe('demo-model: answers', () => {
  it('is deterministic and labels text answers', () => {
    const request: ChatRequest = {
      messages: [
        { role: 'system', content: 'You summarise the text you are given in at most three plain sentences.' },
        { role: 'user', content: 'Orch runs plans. It keeps state in JSON. People approve risky steps. Nothing is lost.' },
      ],
    };
    const first = demoReply(request);
    expect(first).to.deep.equal(demoReply(request));
    expect(first.content).to.equal('[demo model] Orch runs plans. It keeps state in JSON. People approve risky steps.');
  });

  it('fills a structured answer from the schema, choosing labels by keywords', () => {
    const reply = demoReply({
      messages: [
        { role: 'system', content: 'You triage support tickets.' },
        { role: 'user', content: 'I was charged twice this month and nobody can open the invoice. Urgent!' },
      ],
      response_format: { type: 'json_schema', json_schema: { name: 'output', schema: triageSchema } },
    });
    const answer = JSON.parse(reply.content!) as Record<string, string>;
    expect(answer).to.include({ category: 'billing', urgency: 'high' });
    expect(answer.reason).to.match(/^\[demo model\] /);
    const calm = JSON.parse(
      demoReply({ messages: [{ role: 'user', content: 'Please add a dark mode, would be nice.' }], response_format: { type: 'json_schema', json_schema: { schema: triageSchema } } }).content!,
    ) as Record<string, string>;
    expect(calm).to.include({ category: 'feature_request', urgency: 'normal' });
  });

  it('calls the tool its instructions name once, with the input and the tool defaults, then reports the result', () => {
    const tools = [
      { type: 'function', function: { name: 'hash_text', description: 'Hashes a text', parameters: { type: 'object', properties: { text: { type: 'string' } } } } },
      {
        type: 'function',
        function: { name: 'text_stats', description: 'Counts words', parameters: { type: 'object', properties: { text: { type: 'string' }, top: { type: 'integer', default: 5 } } } },
      },
    ];
    const messages: NonNullable<ChatRequest['messages']> = [
      { role: 'system', content: 'Always call the text_stats tool first.' },
      { role: 'user', content: 'One two three.' },
    ];
    const call = demoReply({ messages, tools });
    expect(call.content).to.equal(null);
    expect(call.toolCalls).to.have.length(1);
    expect(call.toolCalls[0]).to.include({ name: 'text_stats' });
    expect(JSON.parse(call.toolCalls[0]!.arguments)).to.deep.equal({ text: 'One two three.', top: 5 });

    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: call.toolCalls[0]!.id }] });
    messages.push({ role: 'tool', tool_call_id: call.toolCalls[0]!.id, content: JSON.stringify({ words: 3, sentences: 1 }) });
    const final = demoReply({ messages, tools });
    expect(final.toolCalls).to.deep.equal([]);
    expect(final.content).to.equal('[demo model] The tool reports: words 3, sentences 1. The text has 3 words in 1 sentences.');
  });

  it('designs plans from example goals with only what the Designer offers, and a minimal one when repairing', () => {
    const plan = (goal: string, extra: NonNullable<ChatRequest['messages']> = []) =>
      JSON.parse(demoReply({ messages: [{ role: 'system', content: designerSystem }, { role: 'user', content: `Business goal: ${goal}\n` }, ...extra] }).content!) as Record<string, any>;
    const triage = plan('Triage a support ticket and escalate urgent ones');
    expect(triage.name).to.equal('[demo model] Triage a support ticket and escalate urgent ones');
    expect(triage.root.children.map((c: { id: string }) => c.id)).to.deep.equal(['triage', 'route', 'record']);
    const summary = plan('Summarise the release notes and publish them after approval');
    expect(summary.root.children.map((c: { type: string }) => c.type)).to.deep.equal(['parallel', 'human_approval', 'local_task']);
    expect(plan('Count the words of each text in a batch').root.children[0]).to.include({ type: 'loop', forEach: 'input.texts' });
    const other = plan('Water the plants every Monday');
    expect(other.root.children.map((c: { id: string }) => c.id)).to.deep.equal(['record-goal', 'think']);
    const repaired = plan('Triage a support ticket', [
      { role: 'assistant', content: '{}' },
      { role: 'user', content: 'That Orch plan is not valid:\n- root: wrong' },
    ]);
    expect(repaired.root.children.map((c: { id: string }) => c.id)).to.deep.equal(['record-goal']);
  });

  it('drafts agent configs for the Meta Agent with tools that fit the description', () => {
    const prompt = [
      'Description of the agent to write:',
      'count words of a text with the sample MCP server',
      '',
      'Model providers (default "local", model "llama3.2"): local, demo',
      'MCP server "sample" tools:',
      '  - text_stats: Counts characters, words, lines and sentences of a text.',
      '  - hash_text: Returns the hex digest of a UTF-8 text.',
      'Function tools: none',
    ].join('\n');
    const draft = JSON.parse(demoReply({ messages: [{ role: 'system', content: "You are Orch's Meta Agent. You write…" }, { role: 'user', content: prompt }] }).content!) as Record<string, unknown>;
    expect(draft).to.deep.include({ name: 'count-words-text', tools: [{ kind: 'mcp', name: 'sample', allow: ['text_stats'] }], outputSchemaJson: null, riskLevel: 'low' });
    expect(draft.description).to.equal('[demo model] count words of a text with the sample MCP server');
  });
});

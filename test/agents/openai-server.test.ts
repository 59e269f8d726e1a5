import { expect } from 'chai';
import OpenAI from 'openai';
import { Agent, OpenAIChatCompletionsModel, run, setTracingDisabled, tool } from '@openai/agents';
import { z } from 'zod';
import { jsonReply, startOpenAiServer, textReply, toolCallReply, type OpenAiTestServer } from '../support/agents-openai-server.js';

describe('agents: the scripted OpenAI-compatible test server', () => {
  let server: OpenAiTestServer;
  before(() => setTracingDisabled(true));
  afterEach(async () => server?.close());

  it('answers the openai SDK with queued replies and records the requests', async () => {
    server = await startOpenAiServer({ replies: [jsonReply({ ok: true }, { usage: { promptTokens: 7, completionTokens: 3 } })] });
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).to.deep.equal({ ok: true });
    expect(completion.usage?.total_tokens).to.equal(10);
    expect(server.completions[0]!.response_format?.type).to.equal('json_schema');
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).to.deep.equal(['test-model']);
  });

  it('streams SSE chunks the openai SDK reassembles', async () => {
    server = await startOpenAiServer({ replies: [textReply('hello streaming world')] });
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).to.equal('hello streaming world');
  });

  it('rejects json_schema like servers without structured output, and says when the script ran out', async () => {
    server = await startOpenAiServer({ rejectJsonSchema: true });
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0 });
    const rejected = await client.chat.completions
      .create({ model: 'm', messages: [], response_format: { type: 'json_schema', json_schema: { name: 'x', schema: {} } } })
      .then(() => undefined, (error: Error) => error);
    expect(rejected?.message).to.match(/json_schema.*not supported/);
    const empty = await client.chat.completions.create({ model: 'm', messages: [] }).then(() => undefined, (error: Error) => error);
    expect(empty?.message).to.match(/no scripted reply left/);
  });

  it('drives an @openai/agents Agent through a tool call over Chat Completions', async () => {
    server = await startOpenAiServer({ replies: [toolCallReply('add', { a: 2, b: 3 }), textReply('the sum is 5')] });
    const client = new OpenAI({ baseURL: server.baseURL, apiKey: 'test', maxRetries: 0 });
    const add = tool({
      name: 'add',
      description: 'adds two numbers',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: async ({ a, b }) => String(a + b),
    });
    const agent = new Agent({ name: 'calc', instructions: 'add', model: new OpenAIChatCompletionsModel(client, 'm'), tools: [add] });
    const result = await run(agent, 'what is 2+3?');
    expect(result.finalOutput).to.equal('the sum is 5');
    const second = server.completions[1]!;
    const toolMessage = second.messages.find((m) => m.role === 'tool');
    expect(toolMessage?.content).to.equal('5');
    expect(server.completions[0]!.tools?.[0]?.function.name).to.equal('add');
  });
});

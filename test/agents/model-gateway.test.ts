import { createServer } from 'node:net';
import { expect } from 'chai';
import { z } from 'zod';
import { type OrchError } from '../../kernel/index.js';
import { ModelGateway } from '../../plugins/agents/api/index.js';
import { errorReply, jsonReply, startOpenAiServer, textReply, type OpenAiTestServer } from '../support/agents-openai-server.js';
import { createAgentsHome, modelsConfigFor, type AgentsHome } from '../support/agents-home.js';

const Answer = z.strictObject({ city: z.string().min(1), population: z.number().int().positive() });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('agents: ModelGateway.generateStructured over a real OpenAI-compatible server', () => {
  let server: OpenAiTestServer;
  let home: AgentsHome;

  async function gatewayFor(options: { rejectJsonSchema?: boolean; providerExtra?: Record<string, unknown> } = {}): Promise<ModelGateway> {
    server = await startOpenAiServer({ rejectJsonSchema: options.rejectJsonSchema });
    home = await createAgentsHome({ baseURL: server.baseURL, providerExtra: options.providerExtra });
    const { kernel } = await home.bootAgents();
    return kernel.get<ModelGateway>(ModelGateway);
  }

  afterEach(async () => {
    await server?.close();
    await home?.cleanup();
  });

  const request = { system: 'You answer about cities.', prompt: 'The biggest city of France?', schema: Answer, schemaName: 'city answer' };

  it('returns a valid answer at once, sending the schema as json_schema (strict when it qualifies)', async () => {
    const gateway = await gatewayFor();
    server.enqueue(jsonReply({ city: 'Paris', population: 2_100_000 }, { usage: { promptTokens: 40, completionTokens: 8 } }));
    const result = await gateway.generateStructured(request);
    expect(result.value).to.deep.equal({ city: 'Paris', population: 2_100_000 });
    expect(result).to.include({ rounds: 1, mode: 'json_schema', provider: 'test', model: 'test-model' });
    expect(result.usage).to.deep.equal({ inputTokens: 40, outputTokens: 8 });
    const sent = server.completions[0]!;
    expect(sent.response_format?.type).to.equal('json_schema');
    expect(sent.response_format?.json_schema).to.deep.include({ name: 'city_answer', strict: true });
    expect(sent.messages[0]).to.deep.include({ role: 'system', content: 'You answer about cities.' });
  });

  it('feeds validation and check problems back until the answer is repaired', async () => {
    const gateway = await gatewayFor();
    server.enqueue(textReply('not json at all'), jsonReply({ city: 'Paris', population: -1 }), jsonReply({ city: 'Lyon', population: 500_000 }), jsonReply({ city: 'Paris', population: 2 }));
    const rounds: string[][] = [];
    const result = await gateway.generateStructured({
      ...request,
      check: (value) => (value.city === 'Paris' ? [] : [`city: ${value.city} is not the biggest city`]),
      onRound: (_round, problems) => rounds.push(problems),
    });
    expect(result.value.city).to.equal('Paris');
    expect(result.rounds).to.equal(4);
    expect(rounds[0]![0]).to.match(/not JSON/);
    expect(rounds[1]![0]).to.match(/^population: /);
    expect(rounds[2]).to.deep.equal(['city: Lyon is not the biggest city']);
    // The model sees its own answer and the problems.
    const last = server.completions[3]!.messages;
    expect(last.at(-2)).to.deep.include({ role: 'assistant' });
    expect(String(last.at(-1)!.content)).to.include('Lyon is not the biggest city');
  });

  it('gives up after maxRounds repairs with the remaining problems named', async () => {
    const gateway = await gatewayFor();
    server.respondWith(() => jsonReply({ city: '', population: 1.5 }));
    try {
      await gateway.generateStructured({ ...request, maxRounds: 2 });
      expect.fail('must give up');
    } catch (error) {
      const e = error as OrchError;
      expect(e.code).to.equal('invalid_input');
      expect(e.message).to.match(/gave no valid city answer after 3 attempts, 2 repair rounds\./);
      expect(e.message).to.include('city: ').and.include('population: ');
      expect(e.details?.issues?.map((i) => i.path)).to.include.members(['city', 'population']);
    }
    expect(server.completions).to.have.length(3);
  });

  it('falls back to JSON mode with the schema in the prompt when the server refuses json_schema, and remembers it', async () => {
    const gateway = await gatewayFor({ rejectJsonSchema: true });
    server.enqueue(jsonReply({ city: 'Paris', population: 2 }), jsonReply({ city: 'Rome', population: 3 }));
    const first = await gateway.generateStructured(request);
    expect(first.mode).to.equal('json_object');
    expect(server.requests.filter((r) => r.path === '/v1/chat/completions')).to.have.length(2); // refused + JSON mode
    const jsonMode = server.completions.at(-1)!;
    expect(jsonMode.response_format).to.deep.equal({ type: 'json_object' });
    expect(String(jsonMode.messages[0]!.content)).to.include('JSON Schema').and.include('"population"');
    await gateway.generateStructured(request);
    expect(server.completions.at(-1)!.response_format).to.deep.equal({ type: 'json_object' });
  });

  it('goes on to a plain prompt when JSON mode is refused too', async () => {
    const gateway = await gatewayFor();
    server.respondWith((body) =>
      body.response_format ? errorReply(400, 'response_format is not supported') : textReply('Sure! ```json\n{"city":"Paris","population":2}\n```'),
    );
    const result = await gateway.generateStructured(request);
    expect(result).to.deep.include({ mode: 'prompt', value: { city: 'Paris', population: 2 } });
  });

  it('reports a refused connection within a second, naming provider, URL and what to check', async () => {
    const port = await freePort();
    home = await createAgentsHome({ baseURL: `http://127.0.0.1:${port}/v1` });
    const { kernel } = await home.bootAgents();
    const gateway = kernel.get<ModelGateway>(ModelGateway);
    const started = Date.now();
    try {
      await gateway.generateStructured(request);
      expect.fail('must fail');
    } catch (error) {
      const elapsed = Date.now() - started;
      const e = error as OrchError;
      expect(e.code).to.equal('unavailable');
      expect(e.message).to.equal(
        `Model provider "test" at http://127.0.0.1:${port}/v1 cannot be reached (connection refused). Is the model server running? Check providers.test.baseURL in config/models.json.`,
      );
      expect(elapsed, 'hang guard').to.be.below(5_000);
      // eslint-disable-next-line no-console
      if (process.env.ORCH_BENCH_LOG) console.log(`connection refused reported in ${elapsed} ms`);
    }
  });

  it('maps HTTP errors and a missing key to clear errors', async () => {
    const gateway = await gatewayFor();
    server.enqueue(errorReply(401, 'bad key'));
    const unauthorised = await gateway.generateStructured(request).then(() => undefined, (e: OrchError) => e);
    expect(unauthorised?.message).to.match(/Model provider "test" \(http:\/\/127\.0\.0\.1:\d+\/v1\) refused the API key \(401: bad key\)/);
    server.enqueue(errorReply(404, 'model "test-model" not found'));
    const missing = await gateway.generateStructured(request).then(() => undefined, (e: OrchError) => e);
    expect(missing?.code).to.equal('not_found');
    expect(missing?.message).to.include('has no model "test-model"');

    await home.writeConfig('models.json', modelsConfigFor(server.baseURL, { apiKeyEnv: 'ORCH_TEST_MISSING_KEY', apiKeyRequired: true }));
    const noKey = await gateway.generateStructured(request).then(() => undefined, (e: OrchError) => e);
    expect(noKey?.message).to.equal(
      'Model provider "test" needs an API key in the environment variable ORCH_TEST_MISSING_KEY, which is not set (config/models.json: providers.test)',
    );
  });
});

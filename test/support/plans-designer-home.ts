import { startOpenAiServer, type OpenAiServerOptions, type OpenAiTestServer } from './agents-openai-server.js';
import { createTestHome, type TestHome } from './test-home.js';

/** A test home whose only model provider is a scripted OpenAI-compatible server on 127.0.0.1. */
export async function createDesignerHome(options: OpenAiServerOptions = {}): Promise<{ home: TestHome; model: OpenAiTestServer; cleanup(): Promise<void> }> {
  const model = await startOpenAiServer(options);
  const home = await createTestHome({
    'models.json': {
      default: { provider: 'scripted', model: 'planner-1' },
      providers: { scripted: { baseURL: model.baseURL, api: 'chat_completions', structuredOutput: 'json_schema', timeoutMs: 20_000 } },
    },
  });
  return {
    home,
    model,
    async cleanup() {
      await home.cleanup();
      await model.close();
    },
  };
}

/** A plan the stand-in adapters accept, with a configurable first step. */
export function designedPlan(overrides: Record<string, unknown> = {}, firstStep: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'weekly-digest',
    name: 'Weekly digest',
    goal: 'whatever the model says',
    inputs: { topic: { type: 'string' } },
    root: {
      id: 'main',
      type: 'sequence',
      children: [
        { id: 'collect', type: 'local_task', kind: 'echo', title: 'Collect', params: { topic: '{{ input.topic }}' }, ...firstStep },
        { id: 'measure', type: 'mcp_tool', server: 'sample', tool: 'text_stats', args: { text: '{{ nodes.collect.params.topic }}' } },
      ],
    },
    ...overrides,
  };
}

// Agents figures: how fast an unreachable model provider is reported (connection refused), how soon
// a file dropped into agents-config/ is loaded by a long-running process, and the overhead of one
// agent invocation (build, connection check, two model calls and one MCP tool call through the
// bridge) against the scripted local OpenAI-compatible server.
import { AgentRegistry, ModelGateway, type AgentRegistry as Registry } from '../plugins/agents/api/index.js';
import { adapterKey, NodeAdapter, type NodeRunContext } from '../plugins/plans/api/index.js';
import { z } from 'zod';
import { forgetProbes } from '../plugins/agents/endpoint-probe.js';
import { agentConfig, createAgentsHome } from '../test/support/agents-home.js';
import { startOpenAiServer, textReply, toolCallReply } from '../test/support/agents-openai-server.js';
import { freePort, sampleStdio } from '../test/support/mcp-peers.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const max = (values: number[]): number => Math.max(...values);
const ms = (value: number): string => `${value.toFixed(1)} ms`;

async function refusedConnection(): Promise<number[]> {
  const port = await freePort();
  const home = await createAgentsHome({ baseURL: `http://127.0.0.1:${port}/v1` });
  const kernel = await home.boot({ only: ['agents'] });
  await kernel.start();
  const gateway = kernel.get<ModelGateway>(ModelGateway);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    forgetProbes();
    const started = performance.now();
    await gateway.generateStructured({ system: 's', prompt: 'p', schema: z.object({ a: z.string() }), schemaName: 'x' }).catch(() => undefined);
    times.push(performance.now() - started);
  }
  await home.cleanup();
  return times;
}

async function hotLoad(): Promise<number[]> {
  const home = await createAgentsHome();
  const kernel = await home.boot({ only: ['agents'] });
  await kernel.start();
  const registry = kernel.get<Registry>(AgentRegistry);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const name = `dropped-${i}`;
    const started = performance.now();
    await home.writeAgent(`${name}.json`, agentConfig(name));
    while (!registry.get(name)) await new Promise((resolve) => setTimeout(resolve, 5));
    times.push(performance.now() - started);
  }
  await home.cleanup();
  return times;
}

async function invocation(): Promise<number[]> {
  const server = await startOpenAiServer({
    respond: (body) => (body.messages.some((m) => m.role === 'tool') ? textReply('done') : toolCallReply('text_stats', { text: 'a b c' })),
  });
  const home = await createAgentsHome({ baseURL: server.baseURL });
  await home.writeConfig('mcp.servers.json', { sample: sampleStdio() });
  await home.writeAgent('analyst.json', agentConfig('analyst', { tools: [{ mcp: 'sample', allow: ['text_stats'] }] }));
  const kernel = await home.boot({ only: ['agents', 'mcp-bridge'] });
  await kernel.start();
  const adapter = kernel.resolveAll<NodeAdapter>(NodeAdapter).find((a) => adapterKey(a) === 'agent_invocation')!;
  const times: number[] = [];
  for (let i = 0; i < rounds + 1; i++) {
    const started = performance.now();
    await adapter.run({ runId: 'bench', nodeId: `n${i}`, params: { agent: 'analyst', input: 'x' }, operator: 'bench', signal: new AbortController().signal } as NodeRunContext<unknown>);
    if (i > 0) times.push(performance.now() - started); // the first call also connects the MCP server
  }
  await home.cleanup();
  await server.close();
  return times;
}

const refused = await refusedConnection();
console.log(`connection refused reported: median ${ms(median(refused))}, max ${ms(max(refused))} (${rounds} tries; target: within a second)`);
const loaded = await hotLoad();
console.log(`agent file dropped → loaded: median ${ms(median(loaded))}, max ${ms(max(loaded))} (${rounds} files; target: within 2 s)`);
const invoked = await invocation();
console.log(`agent invocation with one MCP tool call (2 model calls, local server): median ${ms(median(invoked))}, max ${ms(max(invoked))}`);

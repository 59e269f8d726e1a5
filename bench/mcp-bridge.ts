// MCP bridge figures: connect time of the bundled sample server over stdio, tool-call latency through
// the bridge (argument check, call, event, log line and tool-stream record under lock), and how long
// a Streamable HTTP server's death takes to notice (SIGKILL → `disconnected`) with default settings.
import { McpBridge, type McpBridge as Bridge } from '../plugins/mcp-bridge/api/index.js';
import { EventLog, httpAlias, sampleStdio, startHttpPeer, stopAllPeers } from '../test/support/mcp-peers.js';
import { createTestHome } from '../test/support/test-home.js';

const calls = Number(process.env.BENCH_CALLS ?? 200);
const connects = Number(process.env.BENCH_CONNECTS ?? 5);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p95 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))]!;

async function connectTimes(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < connects; i++) {
    const home = await createTestHome({ 'mcp.servers.json': { sample: sampleStdio() } });
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    const started = performance.now();
    await kernel.get<Bridge>(McpBridge).connect('sample');
    times.push(performance.now() - started);
    await home.cleanup();
  }
  return times;
}

async function callTimes(): Promise<{ recorded: number[] }> {
  const home = await createTestHome({ 'mcp.servers.json': { sample: sampleStdio() } });
  const kernel = await home.boot({ only: ['mcp-bridge'] });
  await kernel.start();
  const bridge = kernel.get<Bridge>(McpBridge);
  await bridge.connect('sample');
  const recorded: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await bridge.invokeTool({ alias: 'sample', tool: 'hash_text', args: { text: `call ${i}` } });
    recorded.push(performance.now() - started);
  }
  await home.cleanup();
  return { recorded };
}

async function detection(): Promise<number> {
  const peer = await startHttpPeer('sample');
  const home = await createTestHome({ 'mcp.servers.json': { web: httpAlias(peer.url) } });
  const kernel = await home.boot({ only: ['mcp-bridge'] });
  await kernel.start();
  const bridge = kernel.get<Bridge>(McpBridge);
  await bridge.connect('web');
  const log = new EventLog(kernel.bus);
  const killed = performance.now();
  await peer.kill('SIGKILL');
  await log.waitFor(() => log.states('web').includes('disconnected'), 'disconnected', 60_000);
  const noticed = performance.now() - killed;
  await home.cleanup();
  await stopAllPeers();
  return noticed;
}

const connected = await connectTimes();
const { recorded } = await callTimes();
const noticed = await detection();
console.log('MCP bridge');
console.log(`  connect (stdio sample, spawn + initialize + tools/list)  median ${median(connected).toFixed(1)} ms  (${connects} runs)`);
console.log(`  tool call through onToolInvoke (hash_text)              median ${median(recorded).toFixed(2)} ms, p95 ${p95(recorded).toFixed(2)} ms  (${calls} calls)`);
console.log(`  HTTP server SIGKILL → disconnected (default settings)    ${noticed.toFixed(0)} ms`);

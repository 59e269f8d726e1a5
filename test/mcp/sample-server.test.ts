import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { isAlive, isOrchError } from '../../kernel/index.js';
import { McpBridge, type McpBridge as Bridge } from '../../plugins/mcp-bridge/api/index.js';
import { EventLog, SAMPLE_SERVER, sampleStdio, waitUntilGone } from '../support/mcp-peers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';
import { rejection } from '../support/rejection.js';

describe('mcp: the bundled sample server over stdio', function () {
  this.timeout(60_000);
  let home: TestHome;
  let bridge: Bridge;
  let log: EventLog;

  before(async () => {
    home = await createTestHome({ 'mcp.servers.json': { sample: sampleStdio() } });
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    bridge = kernel.get<Bridge>(McpBridge);
    log = new EventLog(kernel.bus);
  });
  after(() => home.cleanup());

  it('connects lazily and lists its tools', async () => {
    expect(bridge.status()[0]).to.include({ alias: 'sample', state: 'disconnected', attempt: 0 });
    const tools = await bridge.listTools('sample');
    expect(tools.map((t) => t.name)).to.deep.equal(['text_stats', 'json_transform', 'hash_text', 'countdown']);
    expect(tools[0]!.annotations).to.include({ readOnlyHint: true });
    expect(log.states('sample')).to.deep.equal(['connecting', 'connected']);
    expect(log.of('bridge.tools-changed', 'sample')[0]!.tools).to.have.length(4);
    expect(bridge.status()[0]!.pid).to.be.a('number');
  });

  it('calls a tool and returns text and structured content', async () => {
    const result = await bridge.invokeTool({ alias: 'sample', tool: 'text_stats', args: { text: 'One fish. Two fish!\n\nRed fish?', top: 1 } });
    expect(result.isError).to.equal(false);
    expect(result.structuredContent).to.deep.include({ words: 6, sentences: 3, paragraphs: 2, topWords: [{ word: 'fish', count: 3 }] });
  });

  it('returns an isError result as a result, with the server message', async () => {
    const result = await bridge.invokeTool({ alias: 'sample', tool: 'json_transform', args: { data: {}, expression: '$sum(' } });
    expect(result.isError).to.equal(true);
    expect(JSON.stringify(result.content)).to.contain('Invalid JSONata expression');
    expect(log.of('tool.invoked').at(-1)).to.include({ tool: 'json_transform', outcome: 'error' });
  });

  it('refuses bad arguments, unknown tools and unknown aliases with clear errors', async () => {
    const bad = await rejection(bridge.invokeTool({ alias: 'sample', tool: 'text_stats', args: { top: 'many' } }));
    expect(bad).to.include({ code: 'invalid_input' });
    expect(bad.message).to.equal('Invalid arguments for MCP tool sample/text_stats: args.text: is required; args.top: must be integer');
    const unknownTool = await rejection(bridge.invokeTool({ alias: 'sample', tool: 'nope', args: {} }));
    expect(unknownTool).to.include({ code: 'not_found' });
    expect(unknownTool.message).to.contain('has no tool "nope"; its tools: text_stats, json_transform, hash_text, countdown');
    const unknownAlias = await rejection(bridge.invokeTool({ alias: 'other', tool: 'x', args: {} }));
    expect(unknownAlias.message).to.match(/^Unknown MCP server alias "other"; .*mcp\.servers\.json defines: sample$/);
  });

  it('forwards progress notifications', async () => {
    const seen: [number, number | undefined, string | undefined][] = [];
    const result = await bridge.invokeTool({
      alias: 'sample',
      tool: 'countdown',
      args: { seconds: 0.2, steps: 4 },
      onProgress: (progress, total, message) => void seen.push([progress, total, message]),
    });
    expect(result.isError).to.equal(false);
    expect(seen).to.deep.equal([
      [1, 4, 'step 1 of 4'],
      [2, 4, 'step 2 of 4'],
      [3, 4, 'step 3 of 4'],
      [4, 4, 'step 4 of 4'],
    ]);
  });

  it('passes timeouts through and stays connected', async () => {
    const error = await rejection(bridge.invokeTool({ alias: 'sample', tool: 'countdown', args: { seconds: 30, steps: 1 }, timeoutMs: 200 }));
    expect(error).to.include({ code: 'timeout', message: 'MCP tool sample/countdown timed out after 200 ms' });
    expect(bridge.status()[0]!.state).to.equal('connected');
  });

  it('cancels a call when its signal aborts', async () => {
    const controller = new AbortController();
    const call = bridge.invokeTool({
      alias: 'sample',
      tool: 'countdown',
      args: { seconds: 30, steps: 300 },
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    const error = await rejection(call);
    expect(isOrchError(error)).to.equal(true);
    expect(error).to.include({ code: 'cancelled', message: 'MCP tool call sample/countdown was cancelled' });
    // The session survives a cancelled call.
    const after = await bridge.invokeTool({ alias: 'sample', tool: 'hash_text', args: { text: 'abc', algorithm: 'md5' } });
    expect(after.structuredContent).to.deep.equal({ algorithm: 'md5', digest: '900150983cd24fb0d6963f7d28e17f72' });
  });

  it('leaves no server process behind after stop', async () => {
    const pid = bridge.status()[0]!.pid!;
    expect(isAlive(pid)).to.equal(true);
    await bridge.close();
    expect(isAlive(pid)).to.equal(false);
    expect(log.states('sample').at(-1)).to.equal('disconnected');
  });
});

describe('mcp: the sample server process', function () {
  this.timeout(30_000);

  it('exits when its stdin closes', async () => {
    const child = spawn(process.execPath, [SAMPLE_SERVER], { stdio: ['pipe', 'ignore', 'pipe'] });
    await new Promise((resolve) => child.stderr.once('data', resolve)); // its start-up line
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdin.end();
    expect(await exit).to.equal(0);
    expect(await waitUntilGone(child.pid!)).to.equal(true);
  });

  it('explains its options', async () => {
    const child = spawn(process.execPath, [SAMPLE_SERVER, '--port', 'x'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).to.equal(2);
    expect(stderr).to.contain('--port must be an integer 0-65535, got "x"');
  });
});

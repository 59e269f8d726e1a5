import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { McpBridge, type McpBridge as Bridge } from '../../plugins/mcp-bridge/api/index.js';
import { EventLog } from '../support/mcp-peers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const DYNAMIC_SERVER = fileURLToPath(new URL('../fixtures/mcp-dynamic-server/server.mjs', import.meta.url));

describe('mcp: tool lists — every page, and tools/list_changed', function () {
  this.timeout(30_000);
  let home: TestHome;
  let bridge: Bridge;
  let log: EventLog;

  before(async () => {
    // A fast heartbeat, to show a server busy with a call is not mistaken for a dead one.
    home = await createTestHome({ 'mcp.servers.json': { dynamic: { transport: 'stdio', command: 'node', args: [DYNAMIC_SERVER], heartbeatMs: 400 } } });
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    bridge = kernel.get<Bridge>(McpBridge);
    log = new EventLog(kernel.bus);
  });
  after(() => home.cleanup());

  it('follows nextCursor through every page', async () => {
    const names = (await bridge.listTools('dynamic')).map((t) => t.name);
    expect(names).to.deep.equal(['add_tool', 'remove_tool', 'busy', 'tool_1', 'tool_2']);
  });

  it('lists again on tools/list_changed and broadcasts the new list', async () => {
    await bridge.invokeTool({ alias: 'dynamic', tool: 'add_tool', args: { name: 'fresh' } });
    await log.waitFor(() => log.of('bridge.tools-changed', 'dynamic').some((e) => e.tools.includes('fresh')), 'the added tool');
    expect(bridge.status()[0]!.tools).to.include('fresh');
    const result = await bridge.invokeTool({ alias: 'dynamic', tool: 'fresh', args: { x: 1 } });
    expect(result.content).to.deep.equal([{ type: 'text', text: '{"x":1}' }]);

    await bridge.invokeTool({ alias: 'dynamic', tool: 'remove_tool', args: { name: 'tool_2' } });
    await log.waitFor(() => (log.of('bridge.tools-changed', 'dynamic').at(-1)?.tools.includes('tool_2') ?? true) === false, 'tool_2 removed');
    const gone = await bridge.invokeTool({ alias: 'dynamic', tool: 'tool_2', args: {} }).catch((e: Error & { code?: string }) => e);
    expect(gone).to.include({ code: 'not_found' });
    // The state did not change: a new tool list is not a reconnection.
    expect(log.states('dynamic')).to.deep.equal(['connecting', 'connected']);
  });

  it('does not take a server busy with a call (pings unanswered) for a dead one', async () => {
    const result = await bridge.invokeTool({ alias: 'dynamic', tool: 'busy', args: { ms: 2500 } });
    expect(result.content).to.deep.equal([{ type: 'text', text: 'done' }]);
    expect(log.states('dynamic')).to.deep.equal(['connecting', 'connected']);
  });
});

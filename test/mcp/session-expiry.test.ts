import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { McpBridge, type McpBridge as Bridge } from '../../plugins/mcp-bridge/api/index.js';
import { EventLog, httpAlias } from '../support/mcp-peers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

/**
 * A Streamable HTTP MCP server in this process that can forget its sessions while its port stays
 * open — what a client sees when a server restarts behind a proxy: 404 for the old session id.
 */
class ForgetfulServer {
  readonly sessions = new Map<string, StreamableHTTPServerTransport>();
  private readonly http: HttpServer;

  constructor() {
    this.http = createServer(async (req, res) => {
      const id = req.headers['mcp-session-id'];
      if (typeof id === 'string') {
        const transport = this.sessions.get(id);
        if (!transport) {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
          return;
        }
        await transport.handleRequest(req, res);
        return;
      }
      const server = new McpServer({ name: 'forgetful', version: '1.0.0' });
      server.registerTool('ping_back', { description: 'Answers pong' }, async () => ({ content: [{ type: 'text', text: 'pong' }] }));
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => void this.sessions.set(sid, transport),
      });
      await server.connect(transport);
      await transport.handleRequest(req, res);
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', () => resolve()));
    return `http://127.0.0.1:${(this.http.address() as { port: number }).port}/mcp`;
  }

  /** Drops every session without closing its streams. */
  forget(): void {
    this.sessions.clear();
  }

  async close(): Promise<void> {
    for (const transport of this.sessions.values()) await transport.close();
    this.http.closeAllConnections();
    await new Promise((resolve) => this.http.close(resolve));
  }
}

describe('mcp: an HTTP session the server no longer knows', function () {
  this.timeout(30_000);
  let home: TestHome;
  let server: ForgetfulServer;
  afterEach(async () => {
    await home.cleanup();
    await server.close();
  });

  it('is detected by the heartbeat (404) and replaced by a fresh session', async () => {
    server = new ForgetfulServer();
    const url = await server.listen();
    home = await createTestHome({ 'mcp.servers.json': { forgetful: httpAlias(url, { heartbeatMs: 500, reconnect: { initialMs: 50, factor: 2, maxMs: 200 } }) } });
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    const bridge = kernel.get<Bridge>(McpBridge);
    await bridge.connect('forgetful');
    const before = bridge.status()[0]!.sessionId!;
    const log = new EventLog(kernel.bus);

    server.forget();
    await log.waitFor(() => log.states('forgetful').at(-1) === 'connected', 'a new session');
    expect(log.states('forgetful')).to.deep.equal(['disconnected', 'reconnecting', 'connected']);
    const lost = log.of('bridge.state-change', 'forgetful')[0]!;
    expect(lost.error).to.match(new RegExp(`^the server no longer knows session ${before} \\(.*\\) — it probably restarted$`));
    expect(bridge.status()[0]!.sessionId).to.not.equal(before);
    const result = await bridge.invokeTool({ alias: 'forgetful', tool: 'ping_back', args: {} });
    expect(result.content).to.deep.equal([{ type: 'text', text: 'pong' }]);
  });

  it('is detected by a failing call, which fails cleanly', async () => {
    server = new ForgetfulServer();
    const url = await server.listen();
    home = await createTestHome({ 'mcp.servers.json': { forgetful: httpAlias(url, { heartbeatMs: 0, reconnect: { initialMs: 50, factor: 2, maxMs: 200 } }) } });
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    const bridge = kernel.get<Bridge>(McpBridge);
    await bridge.connect('forgetful');
    const log = new EventLog(kernel.bus);
    server.forget();
    const error = (await bridge.invokeTool({ alias: 'forgetful', tool: 'ping_back', args: {} }).catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).to.equal('unavailable');
    expect(error.message).to.match(/^MCP server forgetful disconnected during the call to ping_back \(.*\) — check that it is running; /);
    await log.waitFor(() => log.states('forgetful').at(-1) === 'connected', 'a new session');
    expect(log.states('forgetful')).to.deep.equal(['disconnected', 'reconnecting', 'connected']);
  });
});

import { expect } from 'chai';
import { isAlive } from '../../kernel/index.js';
import { McpBridge, type McpBridge as Bridge } from '../../plugins/mcp-bridge/api/index.js';
import { everythingStdio, httpAlias, startHttpPeer, stopAllPeers, type HttpPeer } from '../support/mcp-peers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';
import { rejection } from '../support/rejection.js';

/** The same checks over both transports against the public reference server (not in this repository). */
for (const transport of ['stdio', 'http'] as const) {
  describe(`mcp: @modelcontextprotocol/server-everything over ${transport}`, function () {
    this.timeout(60_000);
    let home: TestHome;
    let bridge: Bridge;
    let peer: HttpPeer | undefined;

    before(async () => {
      peer = transport === 'http' ? await startHttpPeer('everything') : undefined;
      home = await createTestHome({ 'mcp.servers.json': { everything: peer ? httpAlias(peer.url) : everythingStdio() } });
      const kernel = await home.boot({ only: ['mcp-bridge'] });
      await kernel.start();
      bridge = kernel.get<Bridge>(McpBridge);
    });
    after(async () => {
      await home.cleanup();
      await stopAllPeers();
    });

    it('connects and lists every tool, including those it registers after initialization', async () => {
      await bridge.connect('everything');
      const names = (await bridge.listTools('everything')).map((t) => t.name);
      expect(names).to.include.members(['echo', 'get-sum', 'trigger-long-running-operation', 'simulate-research-query']);
      const status = bridge.status()[0]!;
      expect(status.state).to.equal('connected');
      if (transport === 'http') expect(status.sessionId).to.be.a('string');
      else expect(status.pid).to.be.a('number');
    });

    it('calls tools and validates arguments against their schemas', async () => {
      const sum = await bridge.invokeTool({ alias: 'everything', tool: 'get-sum', args: { a: 2, b: 40 } });
      expect(JSON.stringify(sum.content)).to.contain('42');
      const bad = await rejection(bridge.invokeTool({ alias: 'everything', tool: 'get-sum', args: { a: 'two' } }));
      expect(bad.code).to.equal('invalid_input');
      expect(bad.message).to.contain('args.a: must be number').and.contain('args.b: is required');
    });

    it('forwards progress of a long-running operation', async () => {
      const progress: number[] = [];
      const result = await bridge.invokeTool({
        alias: 'everything',
        tool: 'trigger-long-running-operation',
        args: { duration: 0.4, steps: 4 },
        onProgress: (p, total) => {
          expect(total).to.equal(4);
          progress.push(p);
        },
      });
      expect(result.isError).to.equal(false);
      expect(progress).to.deep.equal([1, 2, 3, 4]);
    });

    it('times out and cancels, and the session keeps working', async () => {
      const timedOut = await rejection(
        bridge.invokeTool({ alias: 'everything', tool: 'trigger-long-running-operation', args: { duration: 30, steps: 30 }, timeoutMs: 300 }),
      );
      expect(timedOut).to.include({ code: 'timeout', message: 'MCP tool everything/trigger-long-running-operation timed out after 300 ms' });

      const controller = new AbortController();
      const cancelled = await rejection(
        bridge.invokeTool({
          alias: 'everything',
          tool: 'trigger-long-running-operation',
          args: { duration: 30, steps: 60 },
          signal: controller.signal,
          onProgress: () => controller.abort(),
        }),
      );
      expect(cancelled.code).to.equal('cancelled');

      const echo = await bridge.invokeTool({ alias: 'everything', tool: 'echo', args: { message: 'still here' } });
      expect(JSON.stringify(echo.content)).to.contain('still here');
    });

    it('leaves nothing running after stop', async () => {
      const pid = bridge.status()[0]!.pid;
      await bridge.close();
      if (pid) expect(isAlive(pid)).to.equal(false);
      expect(bridge.status()[0]!.state).to.equal('disconnected');
    });
  });
}

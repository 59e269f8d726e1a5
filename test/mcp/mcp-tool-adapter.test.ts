import { expect } from 'chai';
import { Logger, type Logger as LoggerType } from '../../kernel/index.js';
import { NodeAdapter, PlanNodeSchema, adapterParamsOf, type LeafNode, type NodeAdapter as Adapter, type NodeRunContext } from '../../plugins/plans/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import { EventLog, freePort, httpAlias, sampleStdio } from '../support/mcp-peers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

type Params = { server: string; tool: string; args: Record<string, unknown> };

function nodeOf(raw: Record<string, unknown>): LeafNode {
  return PlanNodeSchema.parse({ id: 'n1', type: 'mcp_tool', ...raw }) as LeafNode;
}

function adapterOf(kernel: Kernel): Adapter<Params> {
  const adapter = kernel.resolveAll<Adapter<Params>>(NodeAdapter).find((a) => a.type === 'mcp_tool');
  if (!adapter) throw new Error('no mcp_tool adapter bound');
  return adapter;
}

function runContext(kernel: Kernel, adapter: Adapter<Params>, node: LeafNode, extra: Partial<NodeRunContext<Params>> = {}): NodeRunContext<Params> {
  const params = adapter.paramsSchema.parse(adapterParamsOf(node));
  return {
    runId: 'run-1',
    planId: 'plan',
    planVersion: 1,
    nodeId: node.id,
    node,
    attempt: 1,
    idempotencyKey: `run-1:${node.id}:1`,
    params,
    vars: {},
    signal: new AbortController().signal,
    operator: 'ann',
    logger: kernel.get<LoggerType>(Logger),
    scratch: { get: () => undefined, set: async () => undefined },
    reportProgress: () => undefined,
    ...extra,
  };
}

describe('mcp: the mcp_tool node adapter', function () {
  this.timeout(60_000);
  let home: TestHome;
  let kernel: Kernel;
  let adapter: Adapter<Params>;

  before(async () => {
    const dead = await freePort();
    home = await createTestHome({
      'mcp.servers.json': {
        sample: sampleStdio(),
        risky: { ...sampleStdio(), riskLevel: 'high' },
        away: httpAlias(`http://127.0.0.1:${dead}/mcp`, { connectTimeoutMs: 2000 }),
      },
    });
    kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    adapter = adapterOf(kernel);
  });
  after(() => home.cleanup());

  const dryRun = (raw: Record<string, unknown>) => {
    const node = nodeOf(raw);
    return adapter.dryRun!({ node, params: adapter.paramsSchema.parse(adapterParamsOf(node)), logger: kernel.get<LoggerType>(Logger) });
  };

  it('dry run: checks the alias, the tool and the arguments (templates are left to run time)', async () => {
    expect(await dryRun({ server: 'sample', tool: 'text_stats', args: { text: '{{ input.text }}', top: 3 } })).to.deep.equal([]);
    expect(await dryRun({ server: 'nope', tool: 'x' })).to.deep.equal([
      { path: 'server', message: 'unknown MCP server "nope"; config/mcp.servers.json defines sample, risky, away' },
    ]);
    const [unknownTool] = await dryRun({ server: 'sample', tool: 'word_count' });
    expect(unknownTool).to.deep.equal({ path: 'tool', message: 'MCP server sample has no tool "word_count"; its tools: text_stats, json_transform, hash_text, countdown' });
    expect(await dryRun({ server: 'sample', tool: 'hash_text', args: { algorithm: 'crc32', text: '{{ nodes.a }}' } })).to.deep.equal([
      { path: 'args.algorithm', message: 'must be one of "sha256", "sha1", "sha512", "md5"' },
    ]);
    expect(await dryRun({ server: 'sample', tool: 'hash_text', args: { text: 7 } })).to.deep.equal([{ path: 'args.text', message: 'must be string' }]);
  });

  it('dry run: an unreachable server is a warning, not an error', async () => {
    const issues = await dryRun({ server: 'away', tool: 'anything' });
    expect(issues).to.have.length(1);
    expect(issues[0]).to.include({ path: 'server', severity: 'warning' });
    expect(issues[0]!.message).to.match(/^MCP server away could not be reached, so tool "anything" and its arguments were not checked \(MCP server away is not connected — check that it is running;/);
  });

  it('takes its risk from the alias', () => {
    expect(adapter.defaultRiskLevel).to.equal('medium');
    expect(adapter.riskOf!({ server: 'risky', tool: 'x', args: {} })).to.equal('high');
    expect(adapter.riskOf!({ server: 'sample', tool: 'x', args: {} })).to.equal('medium');
  });

  it('runs the tool, forwards progress and records the run and node', async () => {
    const log = new EventLog(kernel.bus);
    const progress: number[] = [];
    const node = nodeOf({ server: 'sample', tool: 'countdown', args: { seconds: 0.1, steps: 2 } });
    const output = await adapter.run(runContext(kernel, adapter, node, { reportProgress: (p) => void progress.push(p) }));
    expect(output).to.deep.include({ text: 'Counted down 0.1 s in 2 steps.' });
    expect((output as { structured: { steps: number } }).structured.steps).to.equal(2);
    expect(progress).to.deep.equal([1, 2]);
    expect(log.of('tool.invoked')[0]).to.include({ runId: 'run-1', nodeId: 'n1', operator: 'ann', outcome: 'ok' });
  });

  it('fails the node with the server message on an isError result', async () => {
    const node = nodeOf({ server: 'sample', tool: 'json_transform', args: { data: {}, expression: '((' } });
    const error = (await adapter.run(runContext(kernel, adapter, node)).catch((e: unknown) => e)) as Error;
    expect(error.message).to.match(/^MCP tool sample\/json_transform failed: Invalid JSONata expression: /);
  });

  it('passes the node timeout and cancellation through', async () => {
    const node = nodeOf({ server: 'sample', tool: 'countdown', args: { seconds: 30, steps: 30 } });
    const timedOut = (await adapter.run(runContext(kernel, adapter, node, { timeoutMs: 150 })).catch((e: unknown) => e)) as Error & { code: string };
    expect(timedOut).to.include({ code: 'timeout' });
    const controller = new AbortController();
    const cancelled = (await adapter
      .run(runContext(kernel, adapter, node, { signal: controller.signal, reportProgress: () => controller.abort() }))
      .catch((e: unknown) => e)) as Error & { code: string };
    expect(cancelled).to.include({ code: 'cancelled' });
  });

  it('validates arguments again at call time (after templates are rendered)', async () => {
    const node = nodeOf({ server: 'sample', tool: 'text_stats', args: { text: 42 } });
    const error = (await adapter.run(runContext(kernel, adapter, node)).catch((e: unknown) => e)) as Error & { code: string };
    expect(error).to.include({ code: 'invalid_input', message: 'Invalid arguments for MCP tool sample/text_stats: args.text: must be string' });
  });
});

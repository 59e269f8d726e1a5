import { expect } from 'chai';
import { RunService, type RunService as Runs } from '../../plugins/executor/api/index.js';
import { EventLog, sampleStdio } from '../support/mcp-peers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

/** mcp_tool nodes in a real run: the executor, the plans plugin and the bridge together. */
describe('mcp: mcp_tool nodes in an executor run', function () {
  this.timeout(90_000);
  let home: TestHome;
  afterEach(() => home?.cleanup());

  it('runs tools in sequence with templates, forwards progress, and records each call with its run and node', async () => {
    home = await createTestHome({ 'mcp.servers.json': { sample: sampleStdio() } });
    const kernel = await home.boot({ only: ['executor', 'mcp-bridge'] });
    await kernel.start();
    const log = new EventLog(kernel.bus);
    const runs = kernel.get<Runs>(RunService);
    const record = await runs.start(
      {
        document: {
          id: 'mcp-demo',
          name: 'MCP demo',
          goal: 'Count the words of a text and pick the most frequent one',
          inputs: { text: { type: 'string', required: true } },
          root: {
            id: 'main',
            type: 'sequence',
            children: [
              { id: 'stats', type: 'mcp_tool', server: 'sample', tool: 'text_stats', args: { text: '{{ input.text }}', top: 2 } },
              { id: 'top', type: 'mcp_tool', server: 'sample', tool: 'json_transform', args: { data: '{{ nodes.stats.structured }}', expression: 'topWords[0].word' } },
              { id: 'wait', type: 'mcp_tool', server: 'sample', tool: 'countdown', args: { seconds: 0.2, steps: 2 } },
            ],
          },
        },
      },
      { operator: 'ann', inputs: { text: 'the cat sat; the cat ran; a dog sat' }, memory: true },
    );
    expect(record.status, record.error).to.equal('completed');
    expect(record.nodes.top!.outputSummary).to.contain('cat');

    const calls = log.of('tool.invoked');
    expect(calls.map((c) => `${c.nodeId}:${c.tool}:${c.outcome}`)).to.deep.equal(['stats:text_stats:ok', 'top:json_transform:ok', 'wait:countdown:ok']);
    expect(calls.every((c) => c.runId === record.runId && c.operator === 'ann')).to.equal(true);
    expect(calls[1]!.args).to.deep.include({ expression: 'topWords[0].word' });
    const progress = log.of('node.progress').filter((e) => e.nodeId === 'wait');
    expect(progress.map((e) => e.progress)).to.deep.equal([1, 2]);
  });

  it('fails the node with the server message when the tool reports an error', async () => {
    home = await createTestHome({ 'mcp.servers.json': { sample: sampleStdio() } });
    const kernel = await home.boot({ only: ['executor', 'mcp-bridge'] });
    await kernel.start();
    const runs = kernel.get<Runs>(RunService);
    const record = await runs.start(
      {
        document: {
          id: 'mcp-error',
          name: 'MCP error',
          goal: 'Show a failing tool',
          root: { id: 'bad', type: 'mcp_tool', server: 'sample', tool: 'json_transform', args: { data: 1, expression: '$(' }, retry: { maxAttempts: 1 } },
        },
      },
      { operator: 'ann', memory: true },
    );
    expect(['failed', 'needs_attention']).to.include(record.status);
    expect(record.nodes.bad!.error).to.match(/^MCP tool sample\/json_transform failed: Invalid JSONata expression/);
  });
});

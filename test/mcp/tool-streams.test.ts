import { expect } from 'chai';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REDACTED } from '../../kernel/index.js';
import { McpBridge, TOOL_STREAM_LIMIT, ToolStreamsFileSchema, type McpBridge as Bridge, type ToolStreamRecord } from '../../plugins/mcp-bridge/api/index.js';
import { EventLog, sampleStdio } from '../support/mcp-peers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

async function streams(home: TestHome): Promise<ToolStreamRecord[]> {
  return ToolStreamsFileSchema.parse(JSON.parse(await readFile(join(home.dir, 'state', 'tool-streams.json'), 'utf8'))).records;
}

async function toolLogLines(home: TestHome): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.category === 'tool' && typeof line.tool === 'string' && String(line.msg).startsWith('Tool '));
}

describe('mcp: onToolInvoke — one event, one log line, one tool-stream record per call', function () {
  this.timeout(60_000);
  let home: TestHome;
  afterEach(() => home?.cleanup());

  it('records every call once, from every caller, with secrets redacted', async () => {
    home = await createTestHome({ 'mcp.servers.json': { sample: sampleStdio() } });
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    const bridge = kernel.get<Bridge>(McpBridge);
    const log = new EventLog(kernel.bus);

    await bridge.invokeTool({ alias: 'sample', tool: 'hash_text', args: { text: 'a' }, caller: 'agent', operator: 'meta-agent' });
    await bridge.invokeTool({ alias: 'sample', tool: 'json_transform', args: { data: { apiKey: 'sk-live-123', user: { password: 'hunter2', name: 'ann' } }, expression: 'user.name' }, caller: 'api', runId: 'r1', nodeId: 'n1' });
    await bridge.invokeTool({ alias: 'sample', tool: 'json_transform', args: { data: 1, expression: '$nope(' }, caller: 'plan' });
    await bridge.invokeTool({ alias: 'sample', tool: 'text_stats', args: {} }).catch(() => undefined); // invalid arguments
    await bridge.invokeTool({ alias: 'nowhere', tool: 'x', args: {} }).catch(() => undefined); // unknown alias

    const events = log.of('tool.invoked');
    const records = await streams(home);
    const lines = await toolLogLines(home);
    const key = (alias: string, tool: string, outcome: string): string => `${alias}/${tool}:${outcome}`;
    const expected = ['sample/hash_text:ok', 'sample/json_transform:ok', 'sample/json_transform:error', 'sample/text_stats:error', 'nowhere/x:error'];
    expect(events.map((e) => key(e.alias, e.tool, e.outcome))).to.deep.equal(expected);
    expect(records.map((r) => key(r.alias, r.tool, r.outcome))).to.deep.equal(expected);
    expect(lines.map((l) => `${String(l.tool)}:${String(l.outcome)}`)).to.deep.equal(expected);

    expect(records[0]).to.include({ caller: 'agent', operator: 'meta-agent' });
    expect(records[1]).to.include({ caller: 'api', operator: 'tester', runId: 'r1', nodeId: 'n1' });
    expect(records[1]!.args).to.deep.equal({ data: { apiKey: REDACTED, user: { password: REDACTED, name: 'ann' } }, expression: 'user.name' });
    expect(events[1]!.args).to.deep.equal(records[1]!.args);
    expect(JSON.stringify(lines)).not.to.contain('sk-live-123').and.not.to.contain('hunter2');
    expect(records[2]!.error).to.contain('Invalid JSONata expression');
    expect(records[3]!.error).to.equal('Invalid arguments for MCP tool sample/text_stats: args.text: is required');
    expect(lines[3]).to.include({ level: 'warn', caller: 'api' });
    for (const record of records) expect(record.durationMs).to.be.a('number').and.at.least(0);

    const file = await readFile(join(home.dir, 'state', 'tool-streams.json'), 'utf8');
    expect(file.endsWith('}\n')).to.equal(true);
  });

  it('keeps a bounded history, newest last', async () => {
    home = await createTestHome({ 'mcp.servers.json': { sample: sampleStdio() } });
    const old: ToolStreamRecord[] = Array.from({ length: TOOL_STREAM_LIMIT }, (_, i) => ({
      id: `old-${i}`,
      time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      alias: 'sample',
      tool: 'hash_text',
      args: {},
      operator: 'someone',
      caller: 'cli',
      durationMs: 1,
      outcome: 'ok',
    }));
    await writeFile(join(home.dir, 'state', 'tool-streams.json'), `${JSON.stringify({ records: old })}\n`);
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    await kernel.get<Bridge>(McpBridge).invokeTool({ alias: 'sample', tool: 'hash_text', args: { text: 'new' } });
    const records = await streams(home);
    expect(records).to.have.length(TOOL_STREAM_LIMIT);
    expect(records[0]!.id).to.equal('old-1');
    expect(records.at(-1)!.args).to.deep.equal({ text: 'new' });
  });

  it('loses no record when two processes call at the same time', async () => {
    home = await createTestHome({ 'mcp.servers.json': { sample: sampleStdio() } });
    const kernels = [await home.boot({ only: ['mcp-bridge'] }), await home.boot({ only: ['mcp-bridge'] })];
    for (const kernel of kernels) await kernel.start();
    const bridges = kernels.map((k) => k.get<Bridge>(McpBridge));
    await Promise.all(
      bridges.flatMap((bridge, b) => Array.from({ length: 10 }, (_, i) => bridge.invokeTool({ alias: 'sample', tool: 'hash_text', args: { text: `${b}-${i}` } }))),
    );
    const texts = (await streams(home)).map((r) => (r.args as { text: string }).text).sort();
    expect(texts).to.have.length(20);
    expect(new Set(texts).size).to.equal(20);
  });

  it('stops the caller with a clear error when the record cannot be written', async () => {
    home = await createTestHome({ 'mcp.servers.json': { sample: sampleStdio() } });
    await mkdir(join(home.dir, 'state', 'tool-streams.json')); // a folder where the file should be
    const kernel = await home.boot({ only: ['mcp-bridge'] });
    await kernel.start();
    const error = (await kernel
      .get<Bridge>(McpBridge)
      .invokeTool({ alias: 'sample', tool: 'hash_text', args: { text: 'x' } })
      .catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.code).to.equal('write_failed');
    expect(error.message).to.match(/^Could not record the call of MCP tool sample\/hash_text in .*tool-streams\.json: .*\(the call itself succeeded\); fix the state folder before going on$/);
  });
});

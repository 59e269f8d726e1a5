import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileLogger } from './logger.js';

describe('file logger', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orch-log-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes JSON lines with category, level, time and operator, secrets redacted', async () => {
    const file = join(dir, 'logs', 'app.jsonl');
    const logger = createFileLogger({ file, level: 'info', operator: 'alice' });
    logger.child({ category: 'mcp' }).info('called tool', {
      runId: 'r1',
      tool: 'fetch',
      params: { url: 'http://x', headers: { Authorization: 'Bearer abc', accept: 'json' }, apiKey: 'sk-123', nested: [{ password: 'p' }] },
    });
    logger.debug('not written at info level');
    logger.warn('plain');
    await logger.flush();
    const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines).to.have.length(2);
    const [first, second] = lines as [Record<string, any>, Record<string, any>];
    expect(first).to.include({ level: 'info', category: 'mcp', operator: 'alice', runId: 'r1', tool: 'fetch', msg: 'called tool' });
    expect(new Date(first.time).toISOString()).to.equal(first.time);
    expect(first.params.headers.Authorization).to.equal('[REDACTED]');
    expect(first.params.headers.accept).to.equal('json');
    expect(first.params.apiKey).to.equal('[REDACTED]');
    expect(first.params.nested[0].password).to.equal('[REDACTED]');
    expect(JSON.stringify(first)).not.to.contain('sk-123');
    expect(second).to.include({ level: 'warn', category: 'kernel' });
    const raw = (await readFile(file, 'utf8')).split('\n')[0]!;
    expect(raw.match(/"category"/g)).to.have.length(1); // a child's category replaces, never repeats
  });
});

import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal, RunJournal, RunJournals } from './run-journal.js';

describe('RunJournal: state/runs/<runId>/events.jsonl', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'orch-journal-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const linesOf = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { seq: number });

  it('appends batches as JSON lines, each file ending with a newline', async () => {
    const file = join(dir, 'run-a', 'events.jsonl');
    const journal = new RunJournal(file, 100);
    for (let seq = 1; seq <= 3; seq++) journal.append({ type: 'node.started', seq });
    await journal.flush();
    journal.append({ type: 'run.completed', seq: 4 });
    await journal.flush();
    const text = await readFile(file, 'utf8');
    expect(text.endsWith('\n')).to.equal(true);
    expect((await linesOf(file)).map((e) => e.seq)).to.deep.equal([1, 2, 3, 4]);
  });

  it('stays bounded: past keep + a fifth it is cut back to the newest keep lines, which read back in order', async () => {
    const file = join(dir, 'run-b', 'events.jsonl');
    const journal = new RunJournal(file, 50);
    let seq = 0;
    let largest = 0;
    for (let batch = 0; batch < 40; batch++) {
      for (let i = 0; i < 7; i++) journal.append({ type: 'node.progress', seq: ++seq });
      await journal.flush();
      largest = Math.max(largest, (await linesOf(file)).length);
    }
    expect(largest).to.be.at.most(60);
    const kept = await linesOf(file);
    expect(kept.at(-1)!.seq).to.equal(280);
    expect(kept.map((e) => e.seq)).to.deep.equal(Array.from({ length: kept.length }, (_, i) => 281 - kept.length + i));
    // A new writer (another process, a restart) counts what is there before appending.
    const again = new RunJournal(file, 50);
    for (let i = 0; i < 20; i++) again.append({ seq: ++seq });
    await again.flush();
    expect((await linesOf(file)).length).to.be.at.most(60);
    expect((await readJournal(file, 5)).map((e) => (e as { seq: number }).seq)).to.deep.equal([296, 297, 298, 299, 300]);
  });

  it('journals only tracked runs, in batches, and flushes on demand', async () => {
    const journals = new RunJournals((runId) => join(dir, runId, 'events.jsonl'), (runId, error) => {
      throw new Error(`${runId}: ${String(error)}`);
    }, { flushMs: 10_000 });
    journals.track('run-x');
    journals.record({ type: 'run.started', runId: 'run-x', seq: 1 });
    journals.record({ type: 'run.started', runId: 'run-y', seq: 2 });
    journals.record({ type: 'plan.saved', seq: 3 });
    expect(await readJournal(join(dir, 'run-x', 'events.jsonl'))).to.deep.equal([]);
    await journals.flushAll();
    expect(await readJournal(join(dir, 'run-x', 'events.jsonl'))).to.deep.equal([{ type: 'run.started', runId: 'run-x', seq: 1 }]);
    expect(await readJournal(join(dir, 'run-y', 'events.jsonl'))).to.deep.equal([]);
  });

  it('skips a line cut by a crash and reads the rest', async () => {
    const file = join(dir, 'run-c', 'events.jsonl');
    const journal = new RunJournal(file, 100);
    journal.append({ seq: 1 });
    await journal.flush();
    const { appendFile } = await import('node:fs/promises');
    await appendFile(file, '{"seq": 2, "ty');
    expect(await readJournal(file)).to.deep.equal([{ seq: 1 }]);
  });
});

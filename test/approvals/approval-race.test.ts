import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ApprovalStore } from '../../plugins/approvals/api/index.js';
import { CompletedFileSchema, PendingFileSchema } from '../../plugins/approvals/approval-files.js';
import { sampleRequest } from '../support/approvals-helpers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const decider = fileURLToPath(new URL('../fixtures/approvals-race/decide-all.ts', import.meta.url));
const COUNT = 100;

interface DeciderReport {
  operator: string;
  won: string[];
  lost: { id: string; message: string }[];
  failed: { id: string; message: string }[];
}

/** A child deciding every pending approval; `ready` once booted, `result` once done. */
function startDecider(home: string, operator: string, seed: number) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx/esm', decider, home, operator, String(seed)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const result = new Promise<DeciderReport>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') onReady();
      else if (line.startsWith('{')) resolve(JSON.parse(line) as DeciderReport);
    });
    child.on('exit', (code) => reject(new Error(`decider ${operator} exited with ${code} before reporting`)));
    child.on('error', reject);
  });
  return { child, ready, result, go: () => child.stdin!.write('go\n') };
}

describe('Approvals: two processes deciding the same 100 approvals', function () {
  this.timeout(180_000);
  let home: TestHome;
  const children: ChildProcess[] = [];

  before(async () => {
    home = await createTestHome();
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await home.cleanup();
  });

  it('decides each exactly once, and both files are valid JSON at every moment', async () => {
    const kernel = await home.boot({ only: ['approvals'] });
    await kernel.start();
    const store = kernel.get<ApprovalStore>(ApprovalStore);
    for (let i = 0; i < COUNT; i++) await store.request(sampleRequest({ runId: `run-${i % 7}`, nodeId: `node${i}`, key: `node${i}` }));
    await kernel.stop();
    const ids = (await store.list()).map((r) => r.id);
    expect(ids).to.have.length(COUNT);

    const a = startDecider(home.dir, 'alice', 11);
    const b = startDecider(home.dir, 'bob', 97);
    children.push(a.child, b.child);
    await Promise.all([a.ready, b.ready]);

    // The third process's view: a reader polling both files while the race runs.
    const pendingFile = join(home.dir, 'state', 'approvals', 'pending.json');
    const completedFile = join(home.dir, 'state', 'approvals', 'completed.json');
    let reads = 0;
    let racing = true;
    const reader = (async () => {
      while (racing) {
        // pending first, as the store reads: an id missing there is already in completed
        const pendingText = await readFile(pendingFile, 'utf8');
        const completedText = await readFile(completedFile, 'utf8').catch(() => '{"approvals":[]}\n');
        expect(pendingText.endsWith('\n') && completedText.endsWith('\n')).to.equal(true);
        const pending = PendingFileSchema.parse(JSON.parse(pendingText)).approvals.map((r) => r.id);
        const completed = CompletedFileSchema.parse(JSON.parse(completedText)).approvals.map((r) => r.id);
        expect(new Set(completed).size).to.equal(completed.length); // never decided twice
        expect(new Set([...pending, ...completed]).size).to.equal(COUNT); // never lost
        reads++;
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();

    const raceStarted = Date.now();
    a.go();
    b.go();
    const reports = await Promise.all([a.result, b.result]).finally(() => (racing = false));
    const raceMs = Date.now() - raceStarted;
    await reader;

    for (const report of reports) expect(report.failed, `${report.operator} failed on some`).to.deep.equal([]);
    const [alice, bob] = reports as [DeciderReport, DeciderReport];
    expect(alice.won.length + bob.won.length).to.equal(COUNT);
    expect(new Set([...alice.won, ...bob.won]).size).to.equal(COUNT);
    expect(alice.lost.map((l) => l.id).sort()).to.deep.equal([...bob.won].sort());
    expect(bob.lost.map((l) => l.id).sort()).to.deep.equal([...alice.won].sort());
    for (const loss of alice.lost) expect(loss.message).to.match(/already decided by bob at \d{4}-/);
    for (const loss of bob.lost) expect(loss.message).to.match(/already decided by alice at \d{4}-/);

    const completed = CompletedFileSchema.parse(JSON.parse(await readFile(completedFile, 'utf8'))).approvals;
    expect(completed).to.have.length(COUNT);
    const winners = new Map(completed.map((r) => [r.id, r.decision!.operator]));
    for (const id of alice.won) expect(winners.get(id)).to.equal('alice');
    for (const id of bob.won) expect(winners.get(id)).to.equal('bob');
    expect(PendingFileSchema.parse(JSON.parse(await readFile(pendingFile, 'utf8'))).approvals).to.deep.equal([]);

    const audit = (await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { category?: string; action?: string });
    expect(audit.filter((l) => l.category === 'audit' && l.action === 'approval.decided')).to.have.length(COUNT);
    expect(reads).to.be.greaterThan(0);
    console.log(`      (alice won ${alice.won.length}, bob won ${bob.won.length} in ${raceMs} ms for 200 attempts; the reader checked both files ${reads} times)`);
  });
});

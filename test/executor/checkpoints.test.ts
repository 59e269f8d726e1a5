import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hookAdapter } from '../support/executor-adapters.js';
import { createExecutorHome, planOf, task, type ExecutorHome, type ExecutorKernel } from '../support/executor-home.js';

const fast = { retry: { maxAttempts: 3, backoffMs: 0, factor: 1 } };

async function lines(file: string): Promise<{ nodeId: string; key: string }[]> {
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** The checkpoint log as runs use it: retention, a damaged or torn end, a state folder that refuses writes. */
describe('executor: checkpoints', function () {
  let home: ExecutorHome;
  let ex: ExecutorKernel;
  let scratch: string;
  /** What the `breaker` node does once (set by a test). */
  let breakOnce: (() => Promise<void>) | undefined;

  before(async () => {
    home = await createExecutorHome();
    scratch = await mkdtemp(join(tmpdir(), 'orch-ledger-'));
    const breaker = hookAdapter('breaker', async () => {
      const action = breakOnce;
      breakOnce = undefined;
      await action?.();
    });
    ex = await home.bootExecutor({ adapters: [breaker] });
  });
  after(async () => {
    await home.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  const ledger = (name: string) => ({ calls: join(scratch, `${name}.calls`), effects: join(scratch, `${name}.effects`) });

  const logOf = (runId: string) => join(home.dir, 'state', 'checkpoints', runId, 'checkpoints.jsonl');

  it('keeps at most 20 checkpoints per run in one log file, while it runs and after, and still resumes', async () => {
    const seen: number[] = [];
    const watch = ex.kernel.bus.on('node.succeeded', (event) => {
      void ex.runs.history(event.runId).then((history) => seen.push(history.length));
    });
    const children = Array.from({ length: 45 }, (_, i) => task(`n${i}`, 'noop', { value: i }));
    children.push(task('last', 'flaky', { failures: 3 }, fast));
    const record = await ex.runs.start({ document: planOf('long', { id: 'main', type: 'sequence', children }) }, { operator: 'tester' });
    watch();
    expect(record.status).to.equal('needs_attention');
    expect(await readdir(join(home.dir, 'state', 'checkpoints', record.runId))).to.deep.equal(['checkpoints.jsonl']);
    expect(Math.max(...seen)).to.be.at.most(20);
    expect(await ex.runs.history(record.runId)).to.have.length(20);
    // A new process reads the same 20 from the log, and the run resumes and completes.
    const restarted = await home.bootExecutor();
    expect(await restarted.runs.history(record.runId)).to.have.length(20);
    const done = await restarted.runs.resume(record.runId, { operator: 'tester', retryNode: 'last' });
    expect(done.status).to.equal('completed');
    expect(await restarted.runs.history(record.runId)).to.have.length.at.most(20);
  });

  it('falls back to the checkpoint before a damaged newest one, with a warning, without re-running finished nodes', async () => {
    const l = ledger('corrupt');
    const record = await ex.runs.start(
      {
        document: planOf('corrupt', {
          id: 'main',
          type: 'sequence',
          children: [task('a', 'ledger', l), task('b', 'ledger', l), task('c', 'flaky', { failures: 3 }, fast)],
        }),
      },
      { operator: 'tester' },
    );
    expect(record.status).to.equal('needs_attention');
    // One character of the newest checkpoint's line changes (its checksum no longer matches).
    const file = logOf(record.runId);
    const text = await readFile(file, 'utf8');
    const at = text.lastIndexOf('"t":"cp"');
    const newest = /"id":"([^"]+)"/.exec(text.slice(at))![1]!;
    await writeFile(file, `${text.slice(0, at)}"t":"cP"${text.slice(at + 8)}`);

    // A new process (its own saver, nothing cached) finds the damage.
    const restarted = await home.bootExecutor();
    let resumed = await restarted.runs.resume(record.runId, { operator: 'tester' });
    expect(resumed.warnings?.join('\n')).to.contain(`Checkpoint ${newest} of run ${record.runId} was corrupt`);
    if (resumed.status === 'needs_attention') resumed = await restarted.runs.resume(record.runId, { operator: 'tester', retryNode: 'c' });
    expect(resumed.status).to.equal('completed');
    expect(existsSync(`${file}.corrupt`)).to.equal(true);
    const calls = await lines(l.calls);
    expect(calls.map((c) => c.nodeId)).to.deep.equal(['a', 'b']);
    await restarted.kernel.logger.flush();
    expect(await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8')).to.contain('was corrupt');
  });

  it('resumes a run whose last log line was torn (cut mid-line), ignoring the torn line with a warning', async () => {
    const l = ledger('torn');
    const record = await ex.runs.start(
      {
        document: planOf('torn', {
          id: 'main',
          type: 'sequence',
          children: [task('a', 'ledger', l), task('b', 'ledger', l), task('c', 'flaky', { failures: 3 }, fast), task('d', 'ledger', l)],
        }),
      },
      { operator: 'tester' },
    );
    expect(record.status).to.equal('needs_attention');
    const file = logOf(record.runId);
    // The lines end where the room the log reserves after them (a run of newlines) begins.
    const text = (await readFile(file, 'utf8')).replace(/\n+$/, '\n');
    const lastLine = text.slice(text.lastIndexOf('\n', text.length - 2) + 1);
    await truncate(file, Buffer.byteLength(text) - Math.ceil(Buffer.byteLength(lastLine) / 2));

    const restarted = await home.bootExecutor();
    let resumed = await restarted.runs.resume(record.runId, { operator: 'tester' });
    if (resumed.status === 'needs_attention') resumed = await restarted.runs.resume(record.runId, { operator: 'tester', retryNode: 'c' });
    expect(resumed.status).to.equal('completed');
    expect(resumed.warnings?.join('\n')).to.match(/was corrupt \(torn line/);
    expect(existsSync(`${file}.corrupt`)).to.equal(true);
    // Completed nodes before the torn line ran once; the rest of the log is whole again.
    expect((await lines(l.calls)).map((c) => c.nodeId)).to.deep.equal(['a', 'b', 'd']);
    const after = await readFile(file, 'utf8');
    expect(after.endsWith('\n')).to.equal(true);
    expect(await restarted.runs.history(record.runId)).to.not.be.empty;
  });

  it('blocks the run when the state folder refuses a write, loses nothing, and completes after the fix', async () => {
    const l = ledger('blocked');
    let folder = '';
    let moved = '';
    breakOnce = async () => {
      // The run's checkpoint folder becomes a plain file: every later checkpoint write fails (ENOTDIR).
      const runId = (await ex.runs.list()).find((r) => r.planId === 'blocked')!.runId;
      folder = join(home.dir, 'state', 'checkpoints', runId);
      moved = `${folder}.aside`;
      await rename(folder, moved);
      await writeFile(folder, 'not a folder\n');
    };
    const record = await ex.runs.start(
      {
        document: planOf('blocked', {
          id: 'main',
          type: 'sequence',
          children: [task('before', 'ledger', l), task('breaker', 'breaker'), task('after', 'ledger', l)],
        }),
      },
      { operator: 'tester' },
    );
    expect(record.status).to.equal('blocked');
    expect(record.error).to.match(/Could not write .*checkpoints/).and.contain(`orch run:resume ${record.runId}`);
    expect((await home.readRecord(record.runId)).status).to.equal('blocked');
    expect((await lines(l.calls)).map((c) => c.nodeId)).to.deep.equal(['before']);

    await rm(folder);
    await rename(moved, folder);
    const done = await ex.runs.resume(record.runId, { operator: 'tester' });
    expect(done.status).to.equal('completed');
    expect((await lines(l.calls)).map((c) => c.nodeId)).to.deep.equal(['before', 'after']);
  });
});

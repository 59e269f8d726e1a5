import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hookAdapter } from '../support/executor-adapters.js';
import { createExecutorHome, planOf, task, type ExecutorHome, type ExecutorKernel } from '../support/executor-home.js';

const fast = { retry: { maxAttempts: 3, backoffMs: 0, factor: 1 } };

async function lines(file: string): Promise<{ nodeId: string; key: string }[]> {
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** JSON checkpoints as runs use them: retention, a corrupt newest one, a state folder that refuses writes. */
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

  it('keeps at most 20 checkpoint files per run, while it runs and after, and still resumes', async () => {
    const seen: number[] = [];
    const watch = ex.kernel.bus.on('node.succeeded', (event) => {
      void home.checkpointFiles(event.runId).then((files) => seen.push(files.length));
    });
    const children = Array.from({ length: 45 }, (_, i) => task(`n${i}`, 'noop', { value: i }));
    children.push(task('last', 'flaky', { failures: 3 }, fast));
    const record = await ex.runs.start({ document: planOf('long', { id: 'main', type: 'sequence', children }) }, { operator: 'tester' });
    watch();
    expect(record.status).to.equal('needs_attention');
    const files = await home.checkpointFiles(record.runId);
    expect(files.length).to.equal(20);
    expect(Math.max(...seen)).to.be.at.most(20);
    expect(await ex.runs.history(record.runId)).to.have.length(20);
    // The oldest kept checkpoint no longer depends on deleted ones: the run resumes and completes.
    const done = await ex.runs.resume(record.runId, { operator: 'tester', retryNode: 'last' });
    expect(done.status).to.equal('completed');
    expect((await home.checkpointFiles(record.runId)).length).to.be.at.most(20);
  });

  it('falls back to the checkpoint before a corrupt newest one, with a warning, without re-running finished nodes', async () => {
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
    const folder = join(home.dir, 'state', 'checkpoints', record.runId);
    const newest = (await readdir(folder)).filter((n) => n.endsWith('.json')).sort().at(-1)!;
    await writeFile(join(folder, newest), '{ "format": "orch.checkpoint/1", "id": tor');

    // A new process (its own saver, nothing cached) finds the corrupt file.
    const restarted = await home.bootExecutor();
    const resumed = await restarted.runs.resume(record.runId, { operator: 'tester' });
    expect(resumed.warnings?.join('\n')).to.contain(`Checkpoint ${newest.slice(0, -5)} of run ${record.runId} was corrupt`);
    expect(existsSync(join(folder, `${newest}.corrupt`))).to.equal(true);
    expect(resumed.status).to.equal('needs_attention');
    const done = await restarted.runs.resume(record.runId, { operator: 'tester', retryNode: 'c' });
    expect(done.status).to.equal('completed');
    const calls = await lines(l.calls);
    expect(calls.map((c) => c.nodeId)).to.deep.equal(['a', 'b']);
    await restarted.kernel.logger.flush();
    expect(await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8')).to.contain('was corrupt');
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

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createExecutorHome, planOf, task, type ExecutorHome, type ExecutorKernel } from '../support/executor-home.js';

/** Replay from a checkpoint, cancelling a running run, memory mode. */
describe('executor: replay, cancel, memory mode', function () {
  let home: ExecutorHome;
  let ex: ExecutorKernel;
  let scratch: string;

  before(async () => {
    home = await createExecutorHome();
    ex = await home.bootExecutor();
    scratch = await mkdtemp(join(tmpdir(), 'orch-replay-'));
  });
  after(async () => {
    await home.cleanup();
    await rm(scratch, { recursive: true, force: true });
  });

  const callsIn = async (file: string) =>
    existsSync(file) ? (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { nodeId: string }).nodeId) : [];

  it('replays a finished run from just before a node: a new run re-runs that node and what follows', async () => {
    const ledger = { calls: join(scratch, 'replay.calls'), effects: join(scratch, 'replay.effects') };
    const original = await ex.runs.start(
      { document: planOf('replayed', { id: 'main', type: 'sequence', children: ['a', 'b', 'c', 'd'].map((id) => task(id, 'ledger', ledger)) }) },
      { operator: 'tester' },
    );
    expect(original.status).to.equal('completed');
    const history = await ex.runs.history(original.runId);
    expect(history.map((h) => h.next.join(','))).to.include.members(['a', 'b', 'c', 'd']);

    const replay = await ex.runs.replay(original.runId, { from: 'c', operator: 'replayer' });
    expect(replay.runId).to.not.equal(original.runId);
    expect(replay.status).to.equal('completed');
    expect(replay.replayOf).to.deep.equal({ runId: original.runId, from: 'c' });
    expect(replay.operator).to.equal('replayer');
    expect(await callsIn(ledger.calls)).to.deep.equal(['a', 'b', 'c', 'd', 'c', 'd']);
    expect(replay.nodes.a!.status).to.equal('succeeded');
    expect((await ex.runs.get(original.runId)).status).to.equal('completed');

    try {
      await ex.runs.replay(original.runId, { from: 'nope', operator: 'replayer' });
      expect.fail('replay from an unknown node should fail');
    } catch (error) {
      expect((error as Error).message).to.contain('--from nope').and.contain('Nodes that can be replayed from: ');
    }
  });

  it('cancels a run while its nodes run: adapters are aborted and nothing more starts', async () => {
    const started = await ex.runs.start(
      { document: planOf('to-cancel', { id: 'main', type: 'sequence', children: [task('long', 'sleep', { ms: 60_000 }), task('never', 'noop')] }) },
      { operator: 'tester', wait: false },
    );
    for (let i = 0; i < 200 && (await ex.runs.get(started.runId)).nodes.long?.status !== 'running'; i++) await sleep(20);
    const cancelled = await ex.runs.cancel(started.runId, { operator: 'boss' });
    expect(cancelled.status).to.equal('cancelled');
    expect(cancelled.nodes.long!.status).to.equal('cancelled');
    expect(cancelled.nodes.never).to.equal(undefined);
    expect((await home.readRecord(started.runId)).status).to.equal('cancelled');
  });

  it('runs in memory mode without checkpoint files, records the run at the end, and refuses to resume it later', async () => {
    const record = await ex.runs.start({ document: planOf('in-memory', task('only', 'flaky', { failures: 99 }, { retry: { maxAttempts: 1, backoffMs: 0 } })) }, { operator: 'tester', memory: true });
    expect(record.mode).to.equal('memory');
    expect(record.status).to.equal('needs_attention');
    expect(await home.checkpointFiles(record.runId)).to.deep.equal([]);
    expect((await home.readRecord(record.runId)).status).to.equal('needs_attention');
    // Still in this process: it can be resumed here.
    const skipped = await ex.runs.resume(record.runId, { operator: 'tester', skipNode: 'only' });
    expect(skipped.status).to.equal('completed');

    const other = await home.bootExecutor();
    const again = await ex.runs.start({ document: planOf('in-memory', task('only', 'flaky', { failures: 99 }, { retry: { maxAttempts: 1, backoffMs: 0 } })) }, { operator: 'tester', memory: true });
    try {
      await other.runs.resume(again.runId, { operator: 'tester', skipNode: 'only' });
      expect.fail('another process cannot resume a memory run');
    } catch (error) {
      expect((error as Error).message).to.contain('ran in memory mode');
    }
  });
});

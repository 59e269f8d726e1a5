import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { RunRecord } from '../../plugins/executor/api/index.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const orchBin = fileURLToPath(new URL('../../bin/orch.js', import.meta.url));

/** A script node that logs its call, works for `seconds`, then records its effect and prints (after Orch is gone). */
function worker(id: string, seconds: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    type: 'local_task',
    kind: 'script',
    waiveApproval: 'writes to the test ledger only',
    params: {
      command: `echo "call $ORCH_NODE_ID $ORCH_IDEMPOTENCY_KEY" >> calls.txt; sleep ${seconds}; echo "effect $ORCH_NODE_ID" >> effects.txt; printf '{"node":"%s"}' "$ORCH_NODE_ID" > "$ORCH_RESULT_FILE"; echo "finished $ORCH_NODE_ID"`,
      shell: true,
    },
    ...extra,
  };
}

/** Processes of group `pgid` that are not zombies (a container's init may leave zombies unreaped). */
async function liveMembers(pgid: number): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') found.push(entry);
  }
  return found;
}

/**
 * kill -9 of Orch while scripts run, with a ledger of calls and effects: the process groups are in
 * the run record; on `run:resume` a script still running is waited for and a finished one's result is
 * taken — no effect twice — and one that outlives its timeout is stopped (SIGTERM, then SIGKILL)
 * before the node runs again.
 */
describe('executor: scripts survive a kill -9 of Orch without running twice', function () {
  this.timeout(180_000);
  let home: TestHome;
  const children: ChildProcess[] = [];

  before(async () => {
    home = await createTestHome();
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await home.cleanup();
  });

  function orch(args: string[]) {
    const child = spawn(process.execPath, [orchBin, '--home', home.dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    return { child, done };
  }
  const ws = (name: string) => join(home.dir, 'workspace', name);
  const lines = async (name: string) => (await readFile(ws(name), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const status = async (runId: string) => JSON.parse((await orch(['run:status', runId, '--json']).done).stdout) as RunRecord;

  async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
      await sleep(50);
    }
  }

  async function startAndKill(planId: string, root: unknown, calls: number): Promise<string> {
    const file = join(home.dir, `${planId}.json`);
    await writeFile(file, `${JSON.stringify({ id: planId, name: planId, goal: 'crash safety of scripts', root })}\n`);
    const { child } = orch(['run:auto', file]);
    await until(async () => ((await lines('calls.txt')).length >= calls ? true : undefined), `${calls} script calls`);
    // Let the process record the groups (fsynced right after each spawn), then kill it outright.
    await sleep(300);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    for (const name of await readdir(join(home.dir, 'state', 'runs'))) {
      if (!name.endsWith('.json')) continue;
      const record = JSON.parse(await readFile(join(home.dir, 'state', 'runs', name), 'utf8')) as RunRecord;
      if (record.planId === planId) return record.runId;
    }
    throw new Error(`no run of ${planId}`);
  }

  it('waits for scripts still running at recovery and takes their results: every effect once', async () => {
    const root = { id: 'fan', type: 'parallel', children: ['w1', 'w2', 'w3', 'w4'].map((id) => worker(id, 10)) };
    const runId = await startAndKill('crash-wait', root, 4);
    expect(await lines('effects.txt'), 'the scripts still run when recovery starts').to.deep.equal([]);

    const crashed = await status(runId);
    for (const id of ['w1', 'w2', 'w3', 'w4']) {
      const scratch = crashed.nodes[id]!.scratch as { pid: number; startTicks: number; folder: string };
      expect(scratch.pid, `process group of ${id} recorded`).to.be.a('number');
      expect(scratch.startTicks).to.be.a('number');
    }

    const resumed = await orch(['run:resume', runId]).done;
    expect(resumed.code, resumed.stderr + resumed.stdout).to.equal(0);
    expect((await lines('calls.txt')).length).to.equal(4);
    expect((await lines('effects.txt')).sort()).to.deep.equal(['effect w1', 'effect w2', 'effect w3', 'effect w4']);
    const done = await status(runId);
    expect(done.status).to.equal('completed');
    expect(done.nodes.w1!.outputSummary).to.contain('finished w1').and.contain('"recovered":true').and.contain('"result":{"node":"w1"}');
  });

  it('takes the result of scripts that finished before recovery: no node runs twice', async () => {
    const root = { id: 'seq', type: 'sequence', children: [{ id: 'fan2', type: 'parallel', children: ['x1', 'x2'].map((id) => worker(id, 1)) }, worker('x3', 0)] };
    const before = (await lines('calls.txt')).length;
    const runId = await startAndKill('crash-finished', root, before + 2);
    await until(async () => ((await lines('effects.txt')).filter((l) => l.startsWith('effect x')).length === 2 ? true : undefined), 'the orphaned scripts to finish');
    await sleep(200);

    const resumed = await orch(['run:resume', runId]).done;
    expect(resumed.code, resumed.stderr + resumed.stdout).to.equal(0);
    const calls = (await lines('calls.txt')).filter((l) => / x\d /.test(l)).map((l) => l.split(' ')[1]);
    expect(calls.sort()).to.deep.equal(['x1', 'x2', 'x3']);
    expect((await lines('effects.txt')).filter((l) => l.startsWith('effect x')).sort()).to.deep.equal(['effect x1', 'effect x2', 'effect x3']);
  });

  it('stops a left-over script that outlives its timeout (SIGTERM, then SIGKILL) before running the node again', async () => {
    const slowFirst = {
      id: 'slow',
      type: 'local_task',
      kind: 'script',
      waiveApproval: 'test ledger only',
      timeoutMs: 4000,
      retry: { maxAttempts: 1 },
      params: {
        command: `echo "call slow" >> calls.txt; if [ -f slow.marker ]; then echo quick; else touch slow.marker; trap '' TERM; sleep 30; echo "late effect" >> effects.txt; fi`,
        shell: true,
        killGraceMs: 500,
      },
    };
    const before = (await lines('calls.txt')).length;
    const runId = await startAndKill('crash-stop', { id: 'only', type: 'sequence', children: [slowFirst] }, before + 1);
    const pid = ((await status(runId)).nodes.slow!.scratch as { pid: number }).pid;

    const started = Date.now();
    const resumed = await orch(['run:resume', runId]).done;
    expect(resumed.code, resumed.stderr + resumed.stdout).to.equal(0);
    expect(Date.now() - started, 'waited for the timeout before stopping it').to.be.lessThan(20_000);
    expect(await liveMembers(pid), 'the left-over group is gone').to.deep.equal([]);
    expect((await lines('calls.txt')).filter((l) => l === 'call slow')).to.have.length(2);
    const done = await status(runId);
    expect(done.status).to.equal('completed');
    expect(done.nodes.slow!.outputSummary).to.contain('quick');
    await sleep(500);
    expect(await lines('effects.txt')).to.not.include('late effect');
  });
});

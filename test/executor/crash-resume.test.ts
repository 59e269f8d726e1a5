import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { RunRecord } from '../../plugins/executor/api/index.js';
import { createExecutorHome, planOf, task, type ExecutorHome } from '../support/executor-home.js';

const orchBin = fileURLToPath(new URL('../../bin/orch.js', import.meta.url));

interface Entry {
  nodeId: string;
  key: string;
  attempt: number;
  pid: number;
}

/**
 * Crash safety with real processes: `orch run:auto` is killed with SIGKILL while a node blocks,
 * then `orch run:resume` (or the start-up recovery of `orch start`) finishes the run. A ledger
 * written by the test adapter shows every call, and every effect deduplicated by idempotency key.
 */
describe('executor: kill -9 and resume', function () {
  this.timeout(180_000);
  let home: ExecutorHome;
  const children: ChildProcess[] = [];

  before(async () => {
    home = await createExecutorHome();
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await home.cleanup();
  });

  function orch(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
    const child = spawn(process.execPath, [orchBin, '--home', home.dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    return { child, done };
  }

  async function writePlan(name: string): Promise<{ file: string; ledger: { calls: string; effects: string; blockFile: string; reachedFile: string } }> {
    const ledger = {
      calls: join(home.dir, `${name}.calls`),
      effects: join(home.dir, `${name}.effects`),
      blockFile: join(home.dir, `${name}.block`),
      reachedFile: join(home.dir, `${name}.reached`),
    };
    const plain = { calls: ledger.calls, effects: ledger.effects };
    const document = planOf(name, {
      id: 'main',
      type: 'sequence',
      children: [
        task('a', 'ledger', plain),
        task('b', 'ledger', plain),
        { id: 'fan', type: 'parallel', children: [task('c', 'ledger', plain), task('d', 'ledger', ledger)] },
        task('e', 'ledger', plain),
        task('f', 'ledger', plain),
      ],
    });
    const file = join(home.dir, `${name}.json`);
    await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
    await writeFile(ledger.blockFile, 'block\n');
    return { file, ledger };
  }

  /** Starts `run:auto`, waits until node d blocks after c's output reached a checkpoint, then SIGKILLs it. */
  async function startAndKill(name: string) {
    const { file, ledger } = await writePlan(name);
    const { child, done } = orch(['run:auto', file]);
    const runId = await eventually(async () => (await runOfPlan(name))?.runId, `a run of ${name} to start`);
    await eventually(async () => existsSync(ledger.reachedFile) || undefined, 'node d to block');
    await eventually(async () => (await newestCheckpointHas(runId, '"recorded":"c"')) || undefined, "c's output to reach a checkpoint");
    child.kill('SIGKILL');
    const exit = await done;
    expect(exit.code === null || exit.code !== 0, 'the CLI was killed').to.equal(true);
    const record = await home.readRecord(runId);
    expect(record.status).to.equal('running');
    expect(record.owner?.pid).to.equal(child.pid);
    await rm(ledger.blockFile);
    return { runId, ledger };
  }

  async function checkLedger(ledger: { calls: string; effects: string }) {
    const calls = await entries(ledger.calls);
    const effects = await entries(ledger.effects);
    const callsOf = (id: string) => calls.filter((c) => c.nodeId === id);
    // Completed before the kill: never called again.
    for (const id of ['a', 'b', 'c']) expect(callsOf(id), `calls of ${id}`).to.have.length(1);
    // Interrupted mid-call: called again under the same idempotency key, so its effect happened once.
    expect(callsOf('d')).to.have.length(2);
    expect(callsOf('d')[0]!.key).to.equal(callsOf('d')[1]!.key);
    for (const id of ['e', 'f']) expect(callsOf(id), `calls of ${id}`).to.have.length(1);
    expect(effects.map((e) => e.nodeId).sort()).to.deep.equal(['a', 'b', 'c', 'd', 'e', 'f']);
  }

  it('orch run:resume completes a run killed mid-step without re-running completed nodes', async () => {
    const { runId, ledger } = await startAndKill('crash-cli');
    const resumed = orch(['run:resume', runId, '--json']);
    const result = await resumed.done;
    expect(result.code, result.stderr).to.equal(0);
    const record = JSON.parse(result.stdout) as RunRecord;
    expect(record.status).to.equal('completed');
    expect(record.owner).to.equal(undefined);
    expect(record.nodes.d).to.include({ status: 'succeeded', attempts: 1 });
    await checkLedger(ledger);
  });

  it("orch start's recovery completes a run left running by a killed process", async () => {
    await home.writeConfig('orch.json', {
      server: { port: 0 },
      plugins: { packages: [join(fileURLToPath(new URL('../..', import.meta.url)), 'test', 'fixtures', 'executor-test-adapters')] },
    });
    const { runId, ledger } = await startAndKill('crash-server');
    const server = orch(['start']);
    const record = await eventually(async () => {
      const r = await home.readRecord(runId);
      return r.status === 'completed' ? r : undefined;
    }, 'the server to complete the run');
    expect(record.nodes.f!.status).to.equal('succeeded');
    await checkLedger(ledger);
    server.child.kill('SIGTERM');
    const exit = await server.done;
    expect(exit.code).to.equal(0);
  });

  it('a server stopped with SIGTERM lets the running node reach a checkpoint; the next start finishes the run', async () => {
    const ledger = { calls: join(home.dir, 'drain.calls'), effects: join(home.dir, 'drain.effects') };
    const document = planOf('drain', {
      id: 'main',
      type: 'sequence',
      children: [task('a', 'ledger', ledger), task('slow', 'sleep', { ms: 1500 }), task('b', 'ledger', ledger)],
    });
    const first = orch(['start']);
    const baseUrl = await eventually(async () => {
      const file = join(home.dir, 'state', 'server.json');
      return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as { baseUrl: string }).baseUrl : undefined;
    }, 'the server to listen');
    const response = await fetch(`${baseUrl}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ document }) });
    const { run } = (await response.json()) as { run: RunRecord };
    await eventually(async () => ((await home.readRecord(run.runId)).nodes.slow?.status === 'running' ? true : undefined), 'node slow to run');
    first.child.kill('SIGTERM');
    expect((await first.done).code).to.equal(0);
    const stopped = await home.readRecord(run.runId);
    expect(stopped.status).to.equal('running');
    expect(stopped.owner).to.equal(undefined);
    expect(stopped.nodes.slow!.status).to.equal('succeeded');
    expect(stopped.nodes.b).to.equal(undefined);

    const second = orch(['start']);
    const done = await eventually(async () => {
      const r = await home.readRecord(run.runId);
      return r.status === 'completed' ? r : undefined;
    }, 'the next server to finish the run');
    expect(done.nodes.slow!.completions).to.equal(1);
    expect((await entries(ledger.calls)).map((c) => c.nodeId)).to.deep.equal(['a', 'b']);
    second.child.kill('SIGTERM');
    await second.done;
  });

  async function runOfPlan(planId: string): Promise<RunRecord | undefined> {
    let names: string[] = [];
    try {
      names = await readdir(join(home.dir, 'state', 'runs'));
    } catch {
      return undefined;
    }
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const record = JSON.parse(await readFile(join(home.dir, 'state', 'runs', name), 'utf8')) as RunRecord;
      if (record.planId === planId) return record;
    }
    return undefined;
  }

  /** The run's checkpoint log holds `text` (a node's output reaches it as the step's pending write). */
  async function newestCheckpointHas(runId: string, text: string): Promise<boolean> {
    const file = join(home.dir, 'state', 'checkpoints', runId, 'checkpoints.jsonl');
    return existsSync(file) && (await readFile(file, 'utf8')).includes(text);
  }
});

async function entries(file: string): Promise<Entry[]> {
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Entry);
}

/** Polls `probe` every 50 ms until it yields a value (bounded: 60 s). */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ApprovalRecord } from '../../plugins/approvals/api/index.js';
import type { RunCheckpointInfo, RunRecord } from '../../plugins/executor/api/index.js';
import { createExecutorHome, planOf, task, type ExecutorHome } from '../support/executor-home.js';

const orchBin = fileURLToPath(new URL('../../bin/orch.js', import.meta.url));

/**
 * With `orch start` running, `run:*` commands go through its REST API; the server executes the
 * run, and an approval given with `orch approvals:approve` resumes it there.
 */
describe('executor: through the server', function () {
  this.timeout(180_000);
  let home: ExecutorHome;
  let server: ChildProcess | undefined;
  let baseUrl = '';

  before(async () => {
    home = await createExecutorHome();
    server = spawn(process.execPath, [orchBin, '--home', home.dir, 'start'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const location = await eventually(async () => {
      const file = join(home.dir, 'state', 'server.json');
      return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as { baseUrl: string }) : undefined;
    }, 'the server to listen');
    baseUrl = location.baseUrl;
  });
  after(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.on('close', resolve));
    }
    await home.cleanup();
  });

  function orch(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [orchBin, '--home', home.dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('runs a plan on the server, pauses for approval, and resumes when the CLI approves', async () => {
    const file = join(home.dir, 'approve.json');
    const document = planOf('through-server', {
      id: 'main',
      type: 'sequence',
      children: [task('prepare', 'noop'), { id: 'signoff', type: 'human_approval', title: 'Sign off', prompt: 'Ship it?' }, task('ship', 'noop')],
    });
    await writeFile(file, `${JSON.stringify(document)}\n`);

    const started = await orch(['run:auto', file, '--json']);
    expect(started.code, started.stderr).to.equal(2);
    const record = JSON.parse(started.stdout) as RunRecord;
    expect(record.status).to.equal('waiting_approval');
    expect(record.owner).to.equal(undefined);

    const approvals = (await (await fetch(`${baseUrl}/api/approvals?runId=${record.runId}`)).json()) as { approvals: ApprovalRecord[] };
    const pending = approvals.approvals.find((a) => a.runId === record.runId && !a.decision)!;
    const approved = await orch(['approvals:approve', pending.id, '--operator', 'alice']);
    expect(approved.code, approved.stderr).to.equal(0);

    const done = await eventually(async () => {
      const response = await fetch(`${baseUrl}/api/runs/${record.runId}`);
      const { run } = (await response.json()) as { run: RunRecord };
      return run.status === 'completed' ? run : undefined;
    }, 'the server to finish the run');
    expect(done.nodes.signoff!.decidedBy).to.equal('alice');
    expect(done.nodes.ship!.status).to.equal('succeeded');

    const status = await orch(['run:status', record.runId]);
    expect(status.stderr).to.contain(`through the Orch server at ${baseUrl}`);
    expect(status.stdout).to.contain('completed');
    const listed = await orch(['run:list', '--json']);
    expect((JSON.parse(listed.stdout) as { via: string; runs: RunRecord[] }).via).to.equal('server');
    const history = (await (await fetch(`${baseUrl}/api/runs/${record.runId}/history`)).json()) as { checkpoints: RunCheckpointInfo[] };
    expect(history.checkpoints[0]!.nodes).to.include.members(['prepare', 'signoff', 'ship']);
  });

  it('answers REST errors with the right status: unknown run 404, bad body 400, cancel of a finished run 409', async () => {
    expect((await fetch(`${baseUrl}/api/runs/run-nope`)).status).to.equal(404);
    const bad = await fetch(`${baseUrl}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: {} }) });
    expect(bad.status).to.equal(400);
    const { runs } = (await (await fetch(`${baseUrl}/api/runs?status=completed`)).json()) as { runs: RunRecord[] };
    const cancel = await fetch(`${baseUrl}/api/runs/${runs[0]!.runId}/cancel`, { method: 'POST' });
    expect(cancel.status).to.equal(409);
  });
});

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

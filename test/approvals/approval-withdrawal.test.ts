import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { eventually, runOrch } from '../support/approvals-helpers.js';
import { OrchProcess } from '../support/server-process.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const approval = (id: string) => ({ id, type: 'human_approval', title: `Approve ${id}`, prompt: `May ${id} go ahead?` });
const twoApprovals = (planId: string) => ({
  id: planId,
  name: 'Two approvals side by side',
  goal: 'withdrawn approvals',
  root: { id: 'both', type: 'parallel', children: [approval('left'), approval('right')] },
});

interface StoredApproval {
  id: string;
  runId: string;
  planId: string;
  nodeId: string;
  decision?: { outcome: string };
  withdrawal?: { outcome: string; reason: string; runStatus: string; withdrawnAt: string };
}

/**
 * Nothing stays pending after its run ends: cancelling a run (through the server) or failing it (a
 * rejected branch, no server) withdraws its open approvals — moved to completed.json with outcome
 * `withdrawn`, the reason and the run's final status — and a later decision is refused with 409 / exit 1.
 */
describe('approvals of a run that ended are withdrawn', function () {
  this.timeout(240_000);
  let home: TestHome;

  before(async () => {
    home = await createTestHome({ 'orch.json': { server: { port: 0 } } });
    await writeFile(join(home.dir, 'cancel.json'), `${JSON.stringify(twoApprovals('withdraw-on-cancel'))}\n`);
    await writeFile(join(home.dir, 'reject.json'), `${JSON.stringify(twoApprovals('withdraw-on-fail'))}\n`);
  });
  after(() => home.cleanup());

  const files = async () => {
    const read = async (name: string) => JSON.parse(await readFile(join(home.dir, 'state', 'approvals', name), 'utf8')).approvals as StoredApproval[];
    return { pending: await read('pending.json'), completed: await read('completed.json').catch(() => [] as StoredApproval[]) };
  };

  it('a failed run (one branch rejected, no server): the other approval is withdrawn and cannot be decided', async () => {
    const run = await runOrch(home.dir, ['run:auto', join(home.dir, 'reject.json')]);
    expect(run.code, run.stderr + run.stdout).to.equal(2);
    const { pending } = await files();
    expect(pending.map((a) => a.nodeId).sort()).to.deep.equal(['left', 'right']);
    const left = pending.find((a) => a.nodeId === 'left')!;
    const right = pending.find((a) => a.nodeId === 'right')!;

    expect((await runOrch(home.dir, ['approvals:reject', left.id, '-m', 'no'])).code).to.equal(0);
    const resumed = await runOrch(home.dir, ['run:resume', left.runId]);
    expect(resumed.code).to.equal(1);

    const after = await files();
    expect(after.pending.filter((a) => a.runId === left.runId)).to.deep.equal([]);
    const withdrawn = after.completed.find((a) => a.id === right.id)!;
    expect(withdrawn.decision).to.equal(undefined);
    expect(withdrawn.withdrawal).to.include({ outcome: 'withdrawn', runStatus: 'failed' });
    expect(withdrawn.withdrawal!.reason).to.contain(`run ${left.runId} failed`).and.contain('rejected by');

    const late = await runOrch(home.dir, ['approvals:approve', right.id]);
    expect(late.code).to.equal(1);
    expect(late.stderr).to.contain(`Approval ${right.id} was withdrawn`).and.contain('failed');
    expect((await files()).completed.find((a) => a.id === right.id)!.decision).to.equal(undefined);

    const list = await runOrch(home.dir, ['approvals:list', '--all']);
    expect(list.stdout).to.contain('withdrawn (run failed)');
  });

  it('a gate skipped with run:resume --skip-node: its approval is withdrawn at once, the run goes on', async () => {
    const plan = { id: 'withdraw-on-skip', name: 'skip', goal: 'g', root: { id: 'seq', type: 'sequence', children: [approval('skipme'), approval('next')] } };
    await writeFile(join(home.dir, 'skip.json'), `${JSON.stringify(plan)}\n`);
    expect((await runOrch(home.dir, ['run:auto', join(home.dir, 'skip.json')])).code).to.equal(2);
    const skipme = (await files()).pending.find((a) => a.nodeId === 'skipme')!;
    const resumed = await runOrch(home.dir, ['run:resume', skipme.runId, '--skip-node', 'skipme']);
    expect(resumed.code, resumed.stderr + resumed.stdout).to.equal(2);
    const after = await files();
    expect(after.pending.filter((a) => a.runId === skipme.runId).map((a) => a.nodeId)).to.deep.equal(['next']);
    const withdrawn = after.completed.find((a) => a.id === skipme.id)!;
    expect(withdrawn.withdrawal!.reason).to.contain('node skipme was skipped by');
    const late = await runOrch(home.dir, ['approvals:approve', skipme.id]);
    expect(late.code).to.equal(1);
    expect(late.stderr).to.contain('was withdrawn');
  });

  it('a memory-mode run that waits for a person ends with its process: its approvals are withdrawn', async () => {
    await writeFile(join(home.dir, 'memory.json'), `${JSON.stringify(twoApprovals('withdraw-memory'))}\n`);
    const run = await runOrch(home.dir, ['run:auto', join(home.dir, 'memory.json'), '--memory']);
    expect(run.code, run.stderr + run.stdout).to.equal(2);
    const { pending, completed } = await files();
    const mine = completed.filter((a) => a.withdrawal?.reason.includes('ran in memory mode'));
    expect(mine).to.have.length(2);
    expect(pending.filter((a) => a.runId === mine[0]!.runId)).to.deep.equal([]);
    expect(mine[0]!.withdrawal!.runStatus).to.equal('waiting_approval');
  });

  it('a cancelled run (through the server): both approvals leave the list, a decision gets 409 naming why', async () => {
    const server = OrchProcess.start(home.dir);
    try {
      const location = await server.ready(home.dir);
      const run = await runOrch(home.dir, ['run:auto', join(home.dir, 'cancel.json')]);
      expect(run.code, run.stderr + run.stdout).to.equal(2);
      const open = (await files()).pending.filter((a) => a.planId === 'withdraw-on-cancel');
      expect(open).to.have.length(2);
      const runId = open[0]!.runId;
      const events: string[] = [];
      const socket = new WebSocket(`${location.baseUrl.replace('http', 'ws')}/api/events`);
      socket.on('message', (data) => events.push(String(data)));
      await new Promise((resolve) => socket.once('open', resolve));

      const cancel = await runOrch(home.dir, ['run:cancel', runId]);
      expect(cancel.code, cancel.stderr).to.equal(0);
      const list = await runOrch(home.dir, ['approvals:list', '--run', runId, '--json']);
      expect(JSON.parse(list.stdout).approvals).to.deep.equal([]);
      const { completed } = await files();
      for (const request of open) {
        const moved = completed.find((a) => a.id === request.id)!;
        expect(moved.withdrawal).to.include({ outcome: 'withdrawn', runStatus: 'cancelled' });
        expect(moved.withdrawal!.reason).to.contain(`run ${runId} was cancelled by`);
      }
      await eventually(() => (events.filter((e) => e.includes('"approval.withdrawn"')).length === 2 ? true : undefined), 'two approval.withdrawn events');
      socket.close();

      const late = await runOrch(home.dir, ['approvals:approve', open[0]!.id]);
      expect(late.code).to.equal(1);
      expect(late.stderr).to.contain('was withdrawn').and.contain('cancelled').and.not.contain('resumes the run');
      const rest = await fetch(`${location.baseUrl}/api/approvals/${open[1]!.id}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'approved' }),
      });
      expect(rest.status).to.equal(409);
      expect(JSON.stringify(await rest.json())).to.contain('was withdrawn').and.contain(`run ${runId} was cancelled`);
      expect((await files()).completed.filter((a) => a.runId === runId && a.decision)).to.deep.equal([]);
    } finally {
      await server.kill();
    }
  });
});

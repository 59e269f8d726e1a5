import { expect } from 'chai';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type EventOf, type OrchEvent } from '../../kernel/index.js';
import { ApprovalStore } from '../../plugins/approvals/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import { ApprovalWatcher } from '../../plugins/approvals/approval-watcher.js';
import { eventually, runOrch, sampleRequest } from '../support/approvals-helpers.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

/**
 * The server role's watcher, run in a test kernel (so no server.json: CLI commands work on the
 * files directly, like a CLI used while the server's REST port is unreachable) — it must notice
 * what other processes write and announce each change once.
 */
describe('Approvals watcher (server role): changes written by other processes', function () {
  this.timeout(120_000);
  let home: TestHome;
  let kernel: Kernel;
  let watcher: ApprovalWatcher;
  let events: OrchEvent[];

  /** A second kernel in this process stands for "another process" where no CLI round trip is needed. */
  async function otherWriter(): Promise<ApprovalStore> {
    const other = await home.boot({ only: ['approvals'] });
    await other.start();
    return other.get<ApprovalStore>(ApprovalStore);
  }

  beforeEach(async () => {
    home = await createTestHome();
    events = [];
  });
  afterEach(async () => {
    await watcher?.stop();
    await home.cleanup();
  });

  async function startWatching(): Promise<void> {
    kernel = await home.boot({ only: ['approvals'] });
    await kernel.start();
    kernel.bus.subscribe((event) => events.push(event));
    watcher = kernel.container.get(ApprovalWatcher);
    await watcher.start();
  }
  const ofType = <T extends OrchEvent['type']>(type: T) => events.filter((e) => e.type === type) as unknown as EventOf<T>[];

  it('treats what is on file at start as history, then announces each new request and decision exactly once', async () => {
    const other = await otherWriter();
    const old = await other.request(sampleRequest({ key: 'old' }));
    await other.decide(old.id, { outcome: 'approved', operator: 'earlier', comment: '', via: 'cli' });
    await other.request(sampleRequest({ key: 'waiting' }));
    await startWatching();
    await watcher.check();
    expect(events).to.deep.equal([]);

    const fresh = await other.request(sampleRequest({ key: 'fresh', nodeId: 'fresh' }));
    await eventually(() => ofType('approval.requested')[0], 'approval.requested from the watcher');
    await other.decide(fresh.id, { outcome: 'rejected', operator: 'dana', comment: 'no', via: 'gui' });
    const resolved = await eventually(() => ofType('approval.resolved')[0], 'approval.resolved from the watcher');
    expect(resolved).to.include({ approvalId: fresh.id, outcome: 'rejected', operator: 'dana', via: 'gui', nodeId: 'fresh' });
    await watcher.check();
    await watcher.check();
    expect(ofType('approval.requested')).to.have.length(1);
    expect(ofType('approval.resolved')).to.have.length(1);
  });

  it('hears `orch approvals:approve` run in another process (no server reachable) and publishes approval.resolved once', async () => {
    await startWatching();
    const store = kernel.get<ApprovalStore>(ApprovalStore);
    const request = await store.request(sampleRequest());
    const cli = await runOrch(home.dir, ['approvals:approve', request.id, '--comment', 'go ahead']);
    expect(cli.code, cli.stderr).to.equal(0);
    expect(cli.stderr).to.contain('no Orch server running');
    expect(cli.stdout).to.contain(`Approved ${request.id}`).and.contain('orch run:resume run-1');
    const resolved = await eventually(() => ofType('approval.resolved')[0], 'approval.resolved after the CLI decision');
    expect(resolved).to.include({ approvalId: request.id, outcome: 'approved', operator: 'cli-user', via: 'cli' });
    const written = (await stat(join(home.dir, 'state', 'approvals', 'completed.json'))).mtimeMs;
    console.log(`      (noticed ${Math.round(Date.parse(resolved.time) - written)} ms after completed.json was written)`);
    await watcher.check();
    expect(ofType('approval.resolved')).to.have.length(1);
  });

  it('settles expired requests on its own clock: approve/reject as system, escalate once', async () => {
    await startWatching();
    const store = kernel.get<ApprovalStore>(ApprovalStore);
    const soon = new Date(Date.now() + 300).toISOString();
    const approving = await store.request(sampleRequest({ key: 'a', expiresAt: soon, onTimeout: 'approve' }));
    const escalating = await store.request(sampleRequest({ key: 'b', expiresAt: soon, onTimeout: 'escalate' }));
    const resolved = await eventually(() => ofType('approval.resolved')[0], 'the timeout decision');
    expect(resolved).to.include({ approvalId: approving.id, outcome: 'approved', operator: 'system', via: 'timeout' });
    const escalated = await eventually(() => ofType('approval.escalated')[0], 'the escalation');
    expect(escalated).to.include({ approvalId: escalating.id, expiresAt: soon });
    await watcher.check();
    expect(ofType('approval.escalated')).to.have.length(1);
    expect((await store.get(escalating.id))?.decision).to.equal(undefined);
  });

  it('survives a malformed file: logs it once, leaves it alone, and carries on once it is fixed', async () => {
    await startWatching();
    const other = await otherWriter();
    const pendingFile = join(home.dir, 'state', 'approvals', 'pending.json');
    await writeFile(pendingFile, '{ broken');
    await watcher.check();
    await watcher.check();
    expect(await readFile(pendingFile, 'utf8')).to.equal('{ broken');
    const log = (await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8')).split('\n').filter((l) => l.includes('Cannot read the approval files'));
    expect(log).to.have.length(1);
    expect(log[0]).to.contain('pending.json');
    await writeFile(pendingFile, '{"approvals":[]}\n');
    await other.request(sampleRequest());
    await eventually(() => ofType('approval.requested')[0], 'the watcher to recover');
  });
});

import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { RunService, type RunRecord } from '../../plugins/executor/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import { RunRecords } from '../../plugins/executor/run/run-records.js';
import { killQuietly, pidFrom, processGone } from '../support/adapters-processes.js';
import { startAdaptersHttpServer, type AdaptersHttpServer } from '../support/adapters-http-server.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const ORCH = fileURLToPath(new URL('../../bin/orch.js', import.meta.url));
const PLUGINS = ['executor', 'adapters-local', 'external-service'];
const node = process.execPath;

const plan = (id: string, root: unknown) => ({ id, name: `Adapters plan ${id}`, goal: 'exercise the task adapters through the executor', root });

/** The task adapters inside real runs of the executor: data flowing between them, retries and flagging, restarts. */
describe('adapters: inside a running plan', function () {
  this.timeout(120_000);
  let home: TestHome;
  let server: AdaptersHttpServer;
  let kernel: Kernel;
  let runs: RunService;
  const leftovers: number[] = [];

  before(async () => {
    server = await startAdaptersHttpServer();
    home = await createTestHome({ 'services.json': { echo: { baseUrl: `${server.url}/api`, headers: { 'x-caller': 'orch' }, retry: { retries: 0 } } } });
    kernel = await home.boot({ only: PLUGINS });
    await kernel.start();
    runs = kernel.get<RunService>(RunService);
  });
  after(async () => {
    for (const pid of leftovers) killQuietly(pid);
    await home.cleanup();
    await server.close();
  });

  const start = (document: unknown) => runs.start({ document }, { operator: 'tester' });
  const workspaceFile = async (name: string) => JSON.parse(await readFile(join(home.dir, 'workspace', name), 'utf8'));

  it('runs http → file → schedule → script → external_service → file, each reading the previous outputs', async () => {
    const record = await start(
      plan('every-adapter', {
        id: 'main',
        type: 'sequence',
        children: [
          { id: 'fetch', type: 'local_task', kind: 'http', params: { url: `${server.url}/echo`, query: { day: 'mon', n: 7 } } },
          { id: 'save', type: 'local_task', kind: 'file', params: { op: 'write', path: 'out/{{ nodes.fetch.body.query.day }}.json', json: '{{ nodes.fetch.body.query }}' } },
          { id: 'pause', type: 'local_task', kind: 'schedule', params: { after: '100ms' } },
          {
            id: 'count',
            type: 'local_task',
            kind: 'script',
            waiveApproval: 'test fixture: only measures its input',
            inputs: { saved: 'nodes.save.path' },
            params: {
              command: [node, '-e', 'console.log(JSON.stringify({ file: process.argv[1], key: process.env.ORCH_IDEMPOTENCY_KEY }))', '{{ vars.saved }}'],
              parseJson: true,
            },
          },
          {
            id: 'notify',
            type: 'external_service',
            service: 'echo',
            operation: { method: 'POST', path: '/echo' },
            request: { body: { file: '{{ nodes.count.json.file }}', waited: '{{ nodes.pause.waitedMs >= 0 }}' } },
          },
          { id: 'report', type: 'local_task', kind: 'file', params: { op: 'write', path: 'report.json', json: '{{ { "status": nodes.notify.status, "sent": nodes.notify.body.body, "key": nodes.count.json.key } }}' } },
        ],
      }),
    );
    expect(record.status, record.error).to.equal('completed');
    expect(Object.values(record.nodes).map((n) => n.status)).to.deep.equal(Array(6).fill('succeeded'));
    expect(await workspaceFile('out/mon.json')).to.deep.equal({ day: 'mon', n: '7' });
    const report = await workspaceFile('report.json');
    expect(report.status).to.equal(200);
    expect(JSON.parse(report.sent)).to.deep.equal({ file: 'out/mon.json', waited: true });
    expect(report.key).to.equal(`${record.runId}:count:1`);
    expect(server.seen.find((r) => r.path === '/api/echo')!.headers['x-caller']).to.equal('orch');
  });

  it('an HTTP 503 is retried, and after three failed attempts the node is flagged for a person; a retry after the fix completes', async () => {
    const record = await start(
      plan('unavailable', {
        id: 'main',
        type: 'sequence',
        children: [
          {
            id: 'call',
            type: 'local_task',
            kind: 'http',
            retry: { maxAttempts: 3, backoffMs: 0, factor: 1 },
            params: { url: `${server.url}/flaky/in-plan?failures=6&code=503`, retries: 1, retryBackoffMs: 1 },
          },
          { id: 'after', type: 'local_task', kind: 'file', params: { op: 'write', path: 'after-503.txt', content: 'done' } },
        ],
      }),
    );
    expect(record.status).to.equal('needs_attention');
    expect(record.nodes.call).to.include({ status: 'needs_attention', attempts: 3 });
    expect(record.waitingFor!.attention[0]!.error).to.match(/answered 503 Service Unavailable after 2 tries/);
    expect(server.count('/flaky/in-plan'), '3 attempts × (1 try + 1 retry)').to.equal(6);
    const opsLog = await readFile(join(home.dir, '.codex', 'operations-log.md'), 'utf8');
    expect(opsLog).to.contain(`run ${record.runId}: node call needs attention`);

    const resumed = await runs.resume(record.runId, { operator: 'fixer', retryNode: 'call' });
    expect(resumed.status).to.equal('completed');
    expect(await readFile(join(home.dir, 'workspace', 'after-503.txt'), 'utf8')).to.equal('done');
  });

  it('a file node reaching outside the workspace is refused by the dry run before anything runs', async () => {
    const error = await start(plan('escape', { id: 'steal', type: 'local_task', kind: 'file', params: { op: 'read', path: '../../etc/passwd' } })).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error, 'the run should be refused').to.not.equal(undefined);
    expect(error!.message).to.contain('"../../etc/passwd" is outside the workspace');
  });

  it('a script past its timeoutMs is stopped with its children, and the node is flagged', async () => {
    const record = await start(
      plan('slow-script', {
        id: 'slow',
        type: 'local_task',
        kind: 'script',
        waiveApproval: 'test fixture',
        timeoutMs: 1500,
        retry: { maxAttempts: 1 },
        params: { command: ['/bin/sh', '-c', 'sleep 60 & echo $! > slow-child.pid; sleep 60'] },
      }),
    );
    const child = await pidFrom(join(home.dir, 'workspace', 'slow-child.pid'));
    leftovers.push(child);
    expect(record.status).to.equal('needs_attention');
    expect(record.nodes.slow!.error).to.equal('node "slow" timed out after 1500 ms');
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) {
      gone = await processGone(child);
      if (!gone) await sleep(50);
    }
    expect(gone, `child ${child} still running`).to.equal(true);
  });

  it('a schedule node resumed after the process was killed waits only the remainder of the stored target', async () => {
    const file = join(home.dir, 'schedule-plan.json');
    await writeFile(
      file,
      JSON.stringify(
        plan('restart-timer', {
          id: 'main',
          type: 'sequence',
          children: [
            { id: 'wait', type: 'local_task', kind: 'schedule', params: { after: '6s' } },
            { id: 'record', type: 'local_task', kind: 'file', params: { op: 'write', path: 'timer.json', json: '{{ nodes.wait }}' } },
          ],
        }),
      ),
    );
    const child = spawn(node, [ORCH, 'run:auto', file, '--home', home.dir, '--plugins', PLUGINS.join(',')], { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    leftovers.push(child.pid!);
    const exited = new Promise((resolve) => child.once('exit', resolve));

    // The first process stores the target before it waits; then it dies without warning.
    let stored: { runId: string; target: string; scheduledAt: string } | undefined;
    for (let i = 0; i < 600 && !stored; i++) {
      stored = await storedTimer(home.dir, 'restart-timer');
      if (!stored) await sleep(100);
    }
    expect(stored, 'the first process stored the timer target').to.not.equal(undefined);
    await sleep(1000);
    child.kill('SIGKILL');
    await exited;

    const resumed = await runs.resume(stored!.runId, { operator: 'tester' });
    expect(resumed.status, resumed.error).to.equal('completed');
    const timer = await workspaceFile('timer.json');
    expect(timer).to.include({ target: stored!.target, scheduledAt: stored!.scheduledAt, resumed: true });
    expect(Date.parse(timer.firedAt)).to.be.at.least(Date.parse(stored!.target));
    expect(timer.waitedMs, 'the second process waited less than the whole 6 s').to.be.below(6000);
  });
});

/** The run of `planId` whose `wait` node has stored its timer, from the run records on disk. */
async function storedTimer(homeDir: string, planId: string): Promise<{ runId: string; target: string; scheduledAt: string } | undefined> {
  const folder = join(homeDir, 'state', 'runs');
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    // Through RunRecords: scratch data reaches the record's journal of changes first.
    const record = ((await new RunRecords(folder).read(name.slice(0, -5)).catch(() => undefined)) ?? {}) as Partial<RunRecord>;
    const scratch = record.nodes?.wait?.scratch as { target?: string; scheduledAt?: string } | undefined;
    if (record.planId === planId && scratch?.target && scratch.scheduledAt) return { runId: record.runId!, target: scratch.target, scheduledAt: scratch.scheduledAt };
  }
  return undefined;
}

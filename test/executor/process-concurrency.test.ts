import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunRecord } from '../../plugins/executor/api/index.js';
import { OrchProcess } from '../support/server-process.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const BRANCHES = 14;
const TASK_SECONDS = 2;

/** A parallel of 14 scripts that each write when they start and end to one shared ledger. */
function fanOut(id: string, branches = BRANCHES, seconds = TASK_SECONDS) {
  return {
    id,
    name: `fan-out ${id}`,
    goal: 'process-wide concurrency',
    root: {
      id: 'fan',
      type: 'parallel',
      children: Array.from({ length: branches }, (_, i) => ({
        id: `b${i}`,
        type: 'local_task',
        kind: 'script',
        waiveApproval: 'writes to the test ledger only',
        params: {
          command: '{ echo "start $ORCH_RUN_ID $ORCH_NODE_ID $(date +%s%N)"; sleep $SECONDS_TO_SLEEP; echo "end $ORCH_RUN_ID $ORCH_NODE_ID $(date +%s%N)"; } >> ledger.txt',
          shell: true,
          env: { SECONDS_TO_SLEEP: String(seconds) },
        },
      })),
    },
  };
}

/** The scripts' start and end times from the workspace ledger. */
async function ledger(dir: string): Promise<Interval[]> {
  const lines = (await readFile(join(dir, 'workspace', 'ledger.txt'), 'utf8')).trim().split('\n');
  const intervals = new Map<string, Interval>();
  for (const line of lines) {
    const [kind, runId, nodeId, ns] = line.split(' ');
    const key = `${runId} ${nodeId}`;
    const entry = intervals.get(key) ?? { runId: runId!, start: 0n, end: 0n };
    if (kind === 'start') entry.start = BigInt(ns!);
    else entry.end = BigInt(ns!);
    intervals.set(key, entry);
  }
  return [...intervals.values()];
}

/** The most scripts alive at any one moment (measured at each start). */
function peakOf(all: Interval[]): number {
  return Math.max(...all.map((i) => all.filter((o) => o.start <= i.start && o.end > i.start).length));
}

interface Interval {
  runId: string;
  start: bigint;
  end: bigint;
}

/**
 * One cap per process, black-box: two runs of a 14-branch plan started on one `orch start` never
 * run more than 10 scripts at once between them (the ledger's start/end times say so), the second run
 * is not starved until the first is done, and the run status shows the nodes queued for a slot.
 */
describe('executor: one concurrency cap per process, shared fairly between runs', function () {
  this.timeout(180_000);
  let home: TestHome;
  let server: OrchProcess;
  let baseUrl = '';

  before(async () => {
    home = await createTestHome({ 'orch.json': { server: { port: 0 } } });
    server = OrchProcess.start(home.dir);
    baseUrl = (await server.ready(home.dir)).baseUrl;
  });
  after(async () => {
    await server.kill();
    await home.cleanup();
  });

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  };

  it('runs at most 10 leaves at once over two 14-branch runs, serves both, and shows the queue', async () => {
    const first = (await api<{ run: RunRecord }>('POST', '/runs', { document: fanOut('fan-a') })).run;
    const second = (await api<{ run: RunRecord }>('POST', '/runs', { document: fanOut('fan-b') })).run;

    let sawQueue: string[] | undefined;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const a = (await api<{ run: RunRecord }>('GET', `/runs/${first.runId}`)).run;
      const b = (await api<{ run: RunRecord }>('GET', `/runs/${second.runId}`)).run;
      if (!sawQueue && (b.queued?.length ?? 0) > 0) sawQueue = b.queued;
      if (a.status !== 'running' && b.status !== 'running') {
        expect([a.status, b.status]).to.deep.equal(['completed', 'completed']);
        break;
      }
      if (Date.now() > deadline) throw new Error('the runs did not finish');
      await sleep(100);
    }
    expect(sawQueue, 'the run status showed nodes waiting for a slot').to.be.an('array').that.is.not.empty;

    const all = await ledger(home.dir);
    expect(all).to.have.length(2 * BRANCHES);
    expect(peakOf(all)).to.equal(10);

    // Fair: the second run got slots as soon as the first wave ended, before the first run's last 4 started.
    const starts = (runId: string) => all.filter((i) => i.runId === runId).map((i) => i.start).sort((x, y) => (x < y ? -1 : 1));
    const firstStarts = starts(first.runId);
    const secondStarts = starts(second.runId);
    expect(secondStarts[0]! < firstStarts[firstStarts.length - 1]!, 'the second run started before the first one had started everything').to.equal(true);
  });

  it('honours executor.maxConcurrency of config/orch.json: 3 at once over two runs', async () => {
    const capped = await createTestHome({ 'orch.json': { server: { port: 0 }, executor: { maxConcurrency: 3 } } });
    const other = OrchProcess.start(capped.dir);
    try {
      const url = (await other.ready(capped.dir)).baseUrl;
      const start = async (id: string) => {
        const response = await fetch(`${url}/api/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ document: fanOut(id, 4, 1) }) });
        return ((await response.json()) as { run: RunRecord }).run.runId;
      };
      const runs = [await start('cap-a'), await start('cap-b')];
      for (const runId of runs) {
        for (let i = 0; ; i++) {
          const run = ((await (await fetch(`${url}/api/runs/${runId}`)).json()) as { run: RunRecord }).run;
          if (run.status !== 'running') {
            expect(run.status).to.equal('completed');
            break;
          }
          if (i > 600) throw new Error('the capped runs did not finish');
          await sleep(100);
        }
      }
      const all = await ledger(capped.dir);
      expect(all).to.have.length(8);
      expect(peakOf(all)).to.equal(3);
    } finally {
      await other.kill();
      await capped.cleanup();
    }
  });
});

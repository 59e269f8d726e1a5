// Approval store figures: latency of a request and of a decision (each one transaction on
// pending.json + completed.json under the shared lock, with the event and the audit line), how they
// grow with the size of completed.json, and how long the server-role watcher takes to publish a
// decision written by another writer.
import { type OrchEvent } from '../kernel/index.js';
import { ApprovalStore, type ApprovalStore as Store } from '../plugins/approvals/api/index.js';
import { ApprovalWatcher } from '../plugins/approvals/approval-watcher.js';
import { sampleRequest } from '../test/support/approvals-helpers.js';
import { createTestHome } from '../test/support/test-home.js';

const count = Number(process.env.BENCH_APPROVALS ?? 300);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p95 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))]!;
const ms = (value: number): string => `${value.toFixed(1)} ms`;

const home = await createTestHome();
const kernel = await home.boot({ only: ['approvals'] });
await kernel.start();
const store = kernel.get<Store>(ApprovalStore);

const requests: number[] = [];
const decisions: number[] = [];
for (let i = 0; i < count; i++) {
  let started = performance.now();
  const record = await store.request(sampleRequest({ runId: `run-${i}`, key: 'gate' }));
  requests.push(performance.now() - started);
  started = performance.now();
  await store.decide(record.id, { outcome: 'approved', operator: 'bench', comment: '', via: 'cli' });
  decisions.push(performance.now() - started);
}
const tenth = Math.max(1, Math.floor(count / 10));
console.log(`request:  median ${ms(median(requests))}, p95 ${ms(p95(requests))}  (${count} requests)`);
console.log(`decision: median ${ms(median(decisions))}, p95 ${ms(p95(decisions))}`);
console.log(`decision with ${tenth} vs ${count} records in completed.json: median ${ms(median(decisions.slice(0, tenth)))} → ${ms(median(decisions.slice(-tenth)))}`);

// The watcher of a server-role process against decisions made by another store (another process's view).
const serverSide = await home.boot({ only: ['approvals'] });
await serverSide.start();
const watcher = serverSide.container.get(ApprovalWatcher);
await watcher.start();
const notices: number[] = [];
for (let i = 0; i < 20; i++) {
  const record = await store.request(sampleRequest({ runId: `watched-${i}`, key: 'gate' }));
  const heard = new Promise<number>((resolve) => {
    const off = serverSide.bus.subscribe((event: OrchEvent) => {
      if (event.type === 'approval.resolved' && event.approvalId === record.id) {
        off();
        resolve(performance.now());
      }
    });
  });
  const decided = performance.now();
  await store.decide(record.id, { outcome: 'approved', operator: 'bench', comment: '', via: 'cli' });
  notices.push((await heard) - decided);
}
console.log(`watcher: decision by another writer published after median ${ms(median(notices))}, max ${ms(Math.max(...notices))} (20 decisions)`);
await watcher.stop();
await home.cleanup();

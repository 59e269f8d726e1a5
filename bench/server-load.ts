// Server load: BENCH_RUNS (50) runs of a BENCH_NODES (20) node plan started at once through
// POST /api/runs on a real `orch start` child process, watched by a WebSocket client in this process.
// Prints runs per second (first POST → last run.completed), p50/p95/max event latency (event `time`
// stamped by the server's bus → received here) and POST latency, and checks that no event was lost
// (the client must see a gap-free `seq`).
import { rm } from 'node:fs/promises';
import { callApi, EventClient } from '../test/support/server-harness.js';
import { loadPlan, RUN_PACKAGES, RUN_PLUGINS } from '../test/support/server-load-plan.js';
import { OrchProcess } from '../test/support/server-process.js';
import { createTestHome } from '../test/support/test-home.js';

const runs = Number(process.env.BENCH_RUNS ?? 50);
const nodes = Number(process.env.BENCH_NODES ?? 20);

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
};
const ms = (value: number): string => `${value.toFixed(1)} ms`;

const home = await createTestHome();
await home.writeConfig('orch.json', { server: { port: 0 }, plugins: { packages: RUN_PACKAGES } });
const orch = OrchProcess.start(home.dir, ['--plugins', RUN_PLUGINS.join(',')]);
try {
  const location = await orch.ready(home.dir, 120_000);
  const baseUrl = location.baseUrl;
  const client = await EventClient.connect(`${baseUrl.replace(/^http/, 'ws')}/api/events`);
  const latencies: number[] = [];
  client.ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; time?: string };
    if (message.type !== 'snapshot' && message.time) latencies.push(Date.now() - Date.parse(message.time));
  });
  const snapshot = await client.waitFor((m) => m.type === 'snapshot', 'the snapshot');

  const first = await callApi(baseUrl, 'POST', '/api/runs', { body: { document: loadPlan('bench', nodes), wait: true } });
  if (first.status !== 201 || first.body.run.status !== 'completed') throw new Error(`warm-up run failed: ${first.text}`);
  const { planId, planVersion } = first.body.run;
  latencies.length = 0;
  const eventsBefore = client.events().length;

  const began = performance.now();
  const postTimes: number[] = [];
  const replies = await Promise.all(
    Array.from({ length: runs }, async () => {
      const sent = performance.now();
      const reply = await callApi(baseUrl, 'POST', '/api/runs', { body: { planId, version: planVersion } });
      postTimes.push(performance.now() - sent);
      if (reply.status !== 201) throw new Error(`POST /api/runs answered ${reply.status}: ${reply.text}`);
      return reply.body.run.runId as string;
    }),
  );
  const ids = new Set(replies);
  const ended = new Set<string>();
  await client.waitFor(
    (m) => {
      if (ids.has(m.runId) && (m.type === 'run.completed' || m.type === 'run.failed')) ended.add(m.runId);
      return ended.size === runs;
    },
    `all ${runs} runs to end`,
    600_000,
  );
  const elapsed = (performance.now() - began) / 1000;

  const events = client.events();
  const seqs = events.map((e) => e.seq as number);
  const gaps = seqs.filter((seq, i) => i > 0 && seq !== seqs[i - 1]! + 1).length + (seqs[0] === snapshot.lastSeq + 1 ? 0 : 1);
  const failed = events.filter((e) => ids.has(e.runId) && e.type === 'run.failed').length;
  client.close();

  console.log(`runs: ${runs} × ${nodes} nodes, started at once through POST /api/runs (server in a child process)`);
  console.log(`elapsed: ${elapsed.toFixed(2)} s → ${(runs / elapsed).toFixed(2)} runs/s, ${((runs * nodes) / elapsed).toFixed(1)} nodes/s`);
  console.log(`events received: ${events.length - eventsBefore} for the load (${events.length} in all), sequence gaps: ${gaps}, failed runs: ${failed}`);
  console.log(`event latency (bus → ws client): p50 ${ms(percentile(latencies, 0.5))}, p95 ${ms(percentile(latencies, 0.95))}, max ${ms(Math.max(...latencies))}`);
  console.log(`POST /api/runs latency: p50 ${ms(percentile(postTimes, 0.5))}, p95 ${ms(percentile(postTimes, 0.95))}`);
  if (gaps > 0 || failed > 0) process.exitCode = 1;
} finally {
  orch.child.kill('SIGTERM');
  const code = await orch.exited;
  if (code !== 0) console.log(`orch start exited with ${code}:\n${orch.stderr}`);
  await rm(home.dir, { recursive: true, force: true });
}

// Task adapter figures: the cost of one script (spawn to exit), how long stopping a process tree
// takes, one HTTP request to a local server (small JSON, 10 MB body), atomic file writes, a timer's
// lateness, and what an external_service call adds to a plain http task.
import { callAdapter, createAdaptersHome } from '../test/support/adapters-context.js';
import { startAdaptersHttpServer } from '../test/support/adapters-http-server.js';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p95 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * 0.95))]!;
const ms = (value: number): string => `${value.toFixed(1)} ms`;
const report = (label: string, values: number[]) => console.log(`${label}: median ${ms(median(values))}, p95 ${ms(p95(values))} (${values.length} runs)`);

async function timed(times: number, work: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await work(i);
    out.push(performance.now() - started);
  }
  return out;
}

const server = await startAdaptersHttpServer();
const home = await createAdaptersHome({ plugins: ['external-service'], config: { 'services.json': { local: { baseUrl: server.url, retry: { retries: 0 } } } } });
const script = home.adapter('local_task:script');
const http = home.adapter('local_task:http');
const file = home.adapter('local_task:file');
const schedule = home.adapter('local_task:schedule');
const service = home.adapter('external_service');

report('script ["true"] (spawn, filtered env, capture, exit)', await timed(30, () => callAdapter(home, script, { command: ['true'] })));
const stops: number[] = [];
for (let i = 0; i < 10; i++) {
  const started = performance.now();
  await callAdapter(home, script, { command: ['/bin/sh', '-c', 'sleep 30 & sleep 30'] }, { timeoutMs: 200 }).catch(() => undefined);
  stops.push(performance.now() - started - 200);
}
report('script: time from timeout to the whole group gone', stops);

await timed(20, () => callAdapter(home, http, { url: `${server.url}/echo` })); // warm-up: connections, JIT
report('http GET small JSON (127.0.0.1)', await timed(200, () => callAdapter(home, http, { url: `${server.url}/echo` })));
report('external_service GET same route (service lookup + http)', await timed(200, () => callAdapter(home, service, { service: 'local', operation: { method: 'GET', path: '/echo' } })));
report('http GET 10 MB text body', await timed(10, () => callAdapter(home, http, { url: `${server.url}/large?bytes=10000000` })));

const kilobyte = 'x'.repeat(1024);
const megabyte = 'x'.repeat(1024 * 1024);
report('file write 1 KB (temp, fsync, rename, fsync folder)', await timed(100, (i) => callAdapter(home, file, { op: 'write', path: `bench/k${i % 10}.txt`, content: kilobyte })));
report('file write 1 MB', await timed(20, (i) => callAdapter(home, file, { op: 'write', path: `bench/m${i % 5}.txt`, content: megabyte })));
report('file read 1 MB', await timed(20, (i) => callAdapter(home, file, { op: 'read', path: `bench/m${i % 5}.txt` })));

const lateness: number[] = [];
for (let i = 0; i < 20; i++) {
  const output = (await callAdapter(home, schedule, { after: '50ms' })) as { target: string; firedAt: string };
  lateness.push(Date.parse(output.firedAt) - Date.parse(output.target));
}
report('schedule after 50ms: lateness past the target', lateness);

await home.cleanup();
await server.close();

// Start-up cost of the product, compiled (dist/) against the TypeScript sources (tsx), side by side
// in one interleaved run: `orch --help` against `node -e 0`, `orch start` until /api/health answers
// and its idle RSS, and `orch approvals:approve` end to end against a live server.
// Targets (issue 16): start healthy ≤ 1.5 s, approve ≤ 0.5 s, --help ≤ 2× node -e 0, idle RSS ≤ 150 MB.
// Needs a current dist/ (`npm run build`); the figures are only as good as the machine is idle.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledDist } from '../bin/compiled.mjs';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const orch = join(projectRoot, 'bin', 'orch.js');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const modes = { compiled: {}, source: { ORCH_FROM_SOURCE: '1' } } as const;
type Mode = keyof typeof modes;

if (!compiledDist(projectRoot)) {
  console.log('dist/ is missing or older than the sources: run `npm run build` first (compiled figures would be the sources).');
  process.exit(1);
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number): string => `${value.toFixed(0)} ms`;

function newHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'orch-bench-start-'));
  mkdirSync(join(home, 'config'));
  writeFileSync(join(home, 'config', 'orch.json'), `${JSON.stringify({ server: { port: 0 } })}\n`);
  return home;
}

function timeCommand(args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

interface Started {
  child: ChildProcess;
  baseUrl: string;
  healthyMs: number;
}

async function startServer(home: string, mode: Mode): Promise<Started> {
  const started = performance.now();
  const child = spawn(process.execPath, [orch, 'start', '--home', home], { env: { ...process.env, ...modes[mode] }, stdio: 'ignore' });
  for (let i = 0; i < 1200; i++) {
    try {
      const location = JSON.parse(readFileSync(join(home, 'state', 'server.json'), 'utf8')) as { baseUrl: string; pid: number };
      if (location.pid === child.pid && (await fetch(`${location.baseUrl}/api/health`)).ok) return { child, baseUrl: location.baseUrl, healthyMs: performance.now() - started };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  throw new Error(`orch start (${mode}) was not healthy within 24 s`);
}

async function stopServer(server: Started): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

const gatePlan = {
  id: 'bench-gate',
  name: 'Bench gate',
  goal: 'Wait for a person',
  root: { id: 'gate', type: 'human_approval', title: 'Go on?', prompt: 'Approve to let the bench run end.' },
};

async function pendingApprovals(baseUrl: string, count: number): Promise<string[]> {
  const post = (path: string, body: unknown) =>
    fetch(`${baseUrl}/api${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const saved = await post('/plans', { plan: gatePlan });
  if (!saved.ok) throw new Error(`the bench plan was refused: ${await saved.text()}`);
  for (let i = 0; i < count; i++) await post('/runs', { planId: gatePlan.id });
  for (let i = 0; i < 500; i++) {
    const { approvals } = (await (await fetch(`${baseUrl}/api/approvals`)).json()) as { approvals: { id: string }[] };
    if (approvals.length >= count) return approvals.map((a) => a.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the approvals did not appear');
}

const figures: Record<Mode, { help: number[]; healthy: number[]; rss: number[]; approve: number[] }> = {
  compiled: { help: [], healthy: [], rss: [], approve: [] },
  source: { help: [], healthy: [], rss: [], approve: [] },
};
const baseline: number[] = [];
const helpHome = newHome();
for (const mode of Object.keys(modes) as Mode[]) timeCommand([orch, '--help'], { ...modes[mode], ORCH_HOME: helpHome }); // warm the command index

for (let i = 0; i < runs; i++) {
  for (const mode of Object.keys(modes) as Mode[]) {
    baseline.push(timeCommand(['-e', '0'], {}));
    figures[mode].help.push(timeCommand([orch, '--help'], { ...modes[mode], ORCH_HOME: helpHome }));
    const home = newHome();
    const server = await startServer(home, mode);
    figures[mode].healthy.push(server.healthyMs);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    figures[mode].rss.push(rssMb(server.child.pid!));
    const [approval] = await pendingApprovals(server.baseUrl, 1);
    figures[mode].approve.push(timeCommand([orch, 'approvals:approve', approval!, '--home', home, '--comment', 'bench'], modes[mode]));
    await stopServer(server);
    rmSync(home, { recursive: true, force: true });
  }
}
rmSync(helpHome, { recursive: true, force: true });

console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${runs} interleaved runs, medians`);
console.log(`node -e 0: ${ms(median(baseline))}`);
for (const mode of Object.keys(modes) as Mode[]) {
  const f = figures[mode];
  console.log(
    `${mode.padEnd(8)}  --help ${ms(median(f.help))} (${(median(f.help) / median(baseline)).toFixed(2)}× node -e 0)` +
      `  start→healthy ${ms(median(f.healthy))}  idle RSS ${median(f.rss).toFixed(0)} MB  approvals:approve ${ms(median(f.approve))}`,
  );
}
const ratio = (key: 'help' | 'healthy' | 'approve') => (median(figures.compiled[key]) / median(figures.source[key])).toFixed(2);
console.log(`compiled / source: --help ${ratio('help')}×, start ${ratio('healthy')}×, approve ${ratio('approve')}×`);
console.log('targets: start ≤ 1500 ms, approve ≤ 500 ms, --help ≤ 2× node -e 0, idle RSS ≤ 150 MB');

// Start-up cost of the product, compiled (dist/) against the TypeScript sources (tsx), side by side
// in one interleaved run: `orch --help` against `node -e 0`, `orch start` until /api/health answers
// and its idle RSS, `orch approvals:approve` end to end against a live server, and on the files once
// the server has stopped. Wall time is what a person waits; the CPU time (user + sys) of the command
// is printed next to it because on a shared machine the wall time mostly measures the other load.
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

/** Wall time and the command's CPU time (user + sys), through a shell whose `times` reports it (the shell adds 2–4 ms of wall time). */
function runCommand(args: string[], env: NodeJS.ProcessEnv): { wallMs: number; cpuMs: number } {
  const started = process.hrtime.bigint();
  // `times` in the shell that ran the command reports the CPU time of its finished children.
  const script = `"$0" "$@" >/dev/null || exit $?; times`;
  const result = spawnSync('bash', ['-c', script, process.execPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  // Second line of `times`: the children's "user sys", e.g. "0m0.412s 0m0.061s".
  const children = String(result.stdout).trim().split('\n').at(-1)!.split(/\s+/);
  const seconds = (field: string) => {
    const [, min, sec] = /(\d+)m([\d.]+)s/.exec(field) ?? [];
    return Number(min ?? 0) * 60 + Number(sec ?? 0);
  };
  return { wallMs, cpuMs: (seconds(children[0]!) + seconds(children[1]!)) * 1000 };
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

type Figure = 'help' | 'healthy' | 'rss' | 'approve' | 'approveCpu' | 'approveFiles' | 'approveFilesCpu';
const figures = Object.fromEntries(
  (Object.keys(modes) as Mode[]).map((mode) => [mode, { help: [], healthy: [], rss: [], approve: [], approveCpu: [], approveFiles: [], approveFilesCpu: [] }]),
) as unknown as Record<Mode, Record<Figure, number[]>>;
const loadAtStart = loadavg();
const baseline: number[] = [];
const helpHome = newHome();
for (const mode of Object.keys(modes) as Mode[]) timeCommand([orch, '--help'], { ...modes[mode], ORCH_HOME: helpHome }); // warm the command index

for (let i = 0; i < runs; i++) {
  for (const mode of Object.keys(modes) as Mode[]) {
    // A short command: three interleaved pairs per run for a steadier median.
    for (let pair = 0; pair < 3; pair++) {
      baseline.push(timeCommand(['-e', '0'], {}));
      figures[mode].help.push(timeCommand([orch, '--help'], { ...modes[mode], ORCH_HOME: helpHome }));
    }
    const home = newHome();
    const server = await startServer(home, mode);
    figures[mode].healthy.push(server.healthyMs);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    figures[mode].rss.push(rssMb(server.child.pid!));
    const [throughServer, onFiles] = await pendingApprovals(server.baseUrl, 2);
    const approved = runCommand([orch, 'approvals:approve', throughServer!, '--home', home, '--comment', 'bench'], modes[mode]);
    figures[mode].approve.push(approved.wallMs);
    figures[mode].approveCpu.push(approved.cpuMs);
    await stopServer(server);
    // The other run still waits: decided on the files, as without a server.
    const onTheFiles = runCommand([orch, 'approvals:approve', onFiles!, '--home', home, '--comment', 'bench'], modes[mode]);
    figures[mode].approveFiles.push(onTheFiles.wallMs);
    figures[mode].approveFilesCpu.push(onTheFiles.cpuMs);
    rmSync(home, { recursive: true, force: true });
  }
}
rmSync(helpHome, { recursive: true, force: true });

const m = (mode: Mode, figure: Figure): number => median(figures[mode][figure]);
const base = median(baseline);
const load = (values: number[]) => values.map((l) => l.toFixed(1)).join(' ');
console.log(`machine: ${cpus().length} cores, load average ${load(loadAtStart)} at the start, ${load(loadavg())} at the end; ${runs} interleaved runs, medians`);
console.log(`node -e 0: ${ms(base)}`);
const rows: [string, (mode: Mode) => string, string, (value: number) => boolean, Figure | 'helpRatio'][] = [
  ['--help', (mode) => `${ms(m(mode, 'help'))} = ${(m(mode, 'help') / base).toFixed(2)}× node -e 0`, '≤ 2× node -e 0', (v) => v <= 2, 'helpRatio'],
  ['start → healthy', (mode) => ms(m(mode, 'healthy')), '≤ 1500 ms', (v) => v <= 1500, 'healthy'],
  ['idle server RSS', (mode) => `${m(mode, 'rss').toFixed(0)} MB`, '≤ 150 MB', (v) => v <= 150, 'rss'],
  ['approve via server', (mode) => `${ms(m(mode, 'approve'))} (cpu ${ms(m(mode, 'approveCpu'))})`, '≤ 500 ms', (v) => v <= 500, 'approve'],
  ['approve on files', (mode) => `${ms(m(mode, 'approveFiles'))} (cpu ${ms(m(mode, 'approveFilesCpu'))})`, '—', () => true, 'approveFiles'],
];
console.log(`${''.padEnd(20)}${'compiled'.padEnd(30)}${'source (tsx)'.padEnd(30)}${'compiled/source'.padEnd(17)}target`);
for (const [label, show, target, meets, figure] of rows) {
  const value = figure === 'helpRatio' ? m('compiled', 'help') / base : m('compiled', figure);
  const ratio = figure === 'helpRatio' ? m('compiled', 'help') / m('source', 'help') : m('compiled', figure) / m('source', figure);
  const verdict = target === '—' ? '' : meets(value) ? ' — met' : ' — NOT met';
  console.log(`${label.padEnd(20)}${show('compiled').padEnd(30)}${show('source').padEnd(30)}${`${ratio.toFixed(2)}×`.padEnd(17)}${target}${verdict}`);
}

// Cold start of `orch --help` against `node -e 0`, measured side by side in one run.
// Target (issue 2): median(orch --help) <= 4 × median(node -e 0).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const orch = fileURLToPath(new URL('../bin/orch.js', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'orch-bench-help-'));
const runs = Number(process.env.BENCH_RUNS ?? 15);

function time(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env: { ...process.env, ORCH_HOME: home }, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

const first = time([orch, '--help']); // builds the command index cache
const baseline: number[] = [];
const help: number[] = [];
for (let i = 0; i < runs; i++) {
  baseline.push(time(['-e', '0']));
  help.push(time([orch, '--help']));
}
rmSync(home, { recursive: true, force: true });
const ratio = median(help) / median(baseline);
console.log('orch --help cold start');
console.log(`  node -e 0            median ${median(baseline).toFixed(1)} ms  (${runs} runs)`);
console.log(`  orch --help          median ${median(help).toFixed(1)} ms  (${runs} runs; first run building the index: ${first.toFixed(1)} ms)`);
console.log(`  ratio                ${ratio.toFixed(2)}×  (target ≤ 4×) ${ratio <= 4 ? 'OK' : 'OVER TARGET'}`);

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const TEST_ADAPTERS = join(projectRoot, 'test', 'fixtures', 'executor-test-adapters');
const PLANS_STUB = join(projectRoot, 'test', 'fixtures', 'executor-plans-stub');

/** Plugin packages a home needs for executor-driven runs: the test adapters, and the plans stand-in until `plugins/plans` exists. */
export const RUN_PACKAGES = existsSync(join(projectRoot, 'plugins', 'plans', 'plugin.json')) ? [TEST_ADAPTERS] : [TEST_ADAPTERS, PLANS_STUB];

/** What to select (`--plugins`) for runs through the API: the executor, its plan store, approvals and the test adapters. */
export const RUN_PLUGINS = ['core', 'plans', 'executor', 'approvals', 'executor-test-adapters'];

export const noopTask = (id: string, kind = 'noop', params: Record<string, unknown> = {}) => ({ id, type: 'local_task', kind, params });

/** A plan of `leaves` noop tasks (at least 12): a sequence with a parallel group of four after the eighth. */
export function loadPlan(id: string, leaves = 20): Record<string, unknown> {
  const names = Array.from({ length: leaves }, (_, i) => `t${String(i + 1).padStart(2, '0')}`);
  const head = names.slice(0, 8).map((n) => noopTask(n));
  const fan = { id: 'fan', type: 'parallel', children: names.slice(8, 12).map((n) => noopTask(n)) };
  const tail = names.slice(12).map((n) => noopTask(n));
  return { id, name: `Load plan ${id}`, goal: 'exercise the server under load', root: { id: 'main', type: 'sequence', children: [...head, fan, ...tail] } };
}

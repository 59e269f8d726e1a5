import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunService, type RunRecord } from '../../plugins/executor/api/index.js';
import { NodeAdapter, type PlanDocument } from '../../plugins/plans/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { BootOptions } from '../../kernel/kernel.js';
import type { ExecutorRunService } from '../../plugins/executor/run/executor-run-service.js';
import { RunRecords } from '../../plugins/executor/run/run-records.js';
import { createTestHome, type TestHome } from './test-home.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
export const TEST_ADAPTERS_PACKAGE = join(projectRoot, 'test', 'fixtures', 'executor-test-adapters');

export interface ExecutorHome extends TestHome {
  /** Boots a kernel with the executor, the test adapters and `plugins` (e.g. approvals), started. */
  bootExecutor(options?: { role?: BootOptions['role']; plugins?: string[]; adapters?: NodeAdapter[]; operator?: string }): Promise<ExecutorKernel>;
  /** `state/checkpoints/<runId>/` checkpoint files. */
  checkpointFiles(runId: string): Promise<string[]>;
  readRecord(runId: string): Promise<RunRecord>;
}

export interface ExecutorKernel {
  kernel: Kernel;
  runs: ExecutorRunService;
}

/** A temp home whose config loads the test adapters package. */
export async function createExecutorHome(): Promise<ExecutorHome> {
  const base = await createTestHome();
  // Port 0: a test that boots the server role gets a free port, never the default 7420.
  await base.writeConfig('orch.json', { server: { port: 0 }, plugins: { packages: [TEST_ADAPTERS_PACKAGE] } });
  return {
    ...base,
    async bootExecutor(options = {}) {
      const kernel = await base.boot({
        role: options.role ?? 'test',
        operator: options.operator ?? 'tester',
        only: ['executor', 'executor-test-adapters', ...(options.plugins ?? [])],
      });
      for (const adapter of options.adapters ?? []) kernel.container.bind(NodeAdapter).toConstantValue(adapter);
      await kernel.start();
      const failed = kernel.plugins().filter((p) => p.status === 'failed' || p.status === 'refused');
      if (failed.length > 0) throw new Error(`plugins did not load: ${failed.map((p) => `${p.id}: ${p.reason}`).join('; ')}`);
      return { kernel, runs: kernel.get<ExecutorRunService>(RunService) };
    },
    async checkpointFiles(runId) {
      try {
        return (await readdir(join(base.dir, 'state', 'checkpoints', runId))).filter((n) => n.endsWith('.json'));
      } catch {
        return [];
      }
    },
    async readRecord(runId) {
      // As another process sees it: the record file with its journal of changes applied.
      return new RunRecords(join(base.dir, 'state', 'runs')).get(runId);
    },
  };
}

/** A plan document around `root` (ids and names filled in). */
export function planOf(id: string, root: unknown, extra: Partial<PlanDocument> = {}): Record<string, unknown> {
  return { id, name: `Test plan ${id}`, goal: 'exercise the executor', ...extra, root };
}

/** A `local_task` leaf of a test adapter kind. */
export function task(id: string, kind: string, params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, type: 'local_task', kind, params, ...extra };
}

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kernel, type BootOptions } from '../../kernel/kernel.js';

/**
 * An isolated Orch home in a temp folder (config/, agents-config/, state/, logs/), so tests run side
 * by side without touching the project's own state. Call `cleanup()` in `after`.
 */
export interface TestHome {
  dir: string;
  /** Writes `config/<name>` as JSON. */
  writeConfig(name: string, value: unknown): Promise<void>;
  boot(options?: Partial<BootOptions>): Promise<Kernel>;
  cleanup(): Promise<void>;
}

export async function createTestHome(config: Record<string, unknown> = {}): Promise<TestHome> {
  const dir = await mkdtemp(join(tmpdir(), 'orch-test-'));
  for (const folder of ['config', 'agents-config', 'state', 'logs', 'workspace']) await mkdir(join(dir, folder), { recursive: true });
  const kernels: Kernel[] = [];
  const home: TestHome = {
    dir,
    async writeConfig(name, value) {
      await writeFile(join(dir, 'config', name), `${JSON.stringify(value, null, 2)}\n`);
    },
    async boot(options = {}) {
      const kernel = await Kernel.boot({ home: dir, role: 'test', operator: 'tester', ...options });
      kernels.push(kernel);
      return kernel;
    },
    async cleanup() {
      for (const kernel of kernels) await kernel.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  for (const [name, value] of Object.entries(config)) await home.writeConfig(name, value);
  return home;
}

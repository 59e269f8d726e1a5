import { copyFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/mcp-peers.js';
import { OrchProcess } from '../support/server-process.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A home like the project's own (what `npm start` uses): the bundled config and agents, on a free
 * loopback port instead of 7420. Two things are pointed at this test: the `orch-api` service of
 * config/services.json names the free port, and the default model provider a port where nothing
 * listens, so the agent answers with the offline demo model even where an Ollama happens to run.
 */
export async function createMainJobHome(): Promise<{ home: TestHome; port: number; baseUrl: string }> {
  const home = await createTestHome();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  for (const name of ['mcp.servers.json', 'plans.json']) await copyFile(join(ROOT, 'config', name), join(home.dir, 'config', name));
  const services = JSON.parse(await readFile(join(ROOT, 'config/services.json'), 'utf8')) as Record<string, { baseUrl: string }>;
  services['orch-api']!.baseUrl = `${baseUrl}/api`;
  await home.writeConfig('services.json', services);
  const models = JSON.parse(await readFile(join(ROOT, 'config/models.json'), 'utf8')) as { providers: Record<string, { baseURL: string }> };
  models.providers.local!.baseURL = `http://127.0.0.1:${await freePort()}/v1`;
  await home.writeConfig('models.json', models);
  await home.writeConfig('orch.json', { server: { port } });
  for (const file of await readdir(join(ROOT, 'agents-config'))) await copyFile(join(ROOT, 'agents-config', file), join(home.dir, 'agents-config', file));
  return { home, port, baseUrl };
}

/** `orch start --plugins business`, with the demo run flag that `npm start` sets, or without it. */
export function startMainJob(home: string, options: { demoRun: boolean }): OrchProcess {
  const before = process.env.ORCH_DEMO_RUN;
  // OrchProcess.start passes this process's environment on; the flag is set only for that spawn.
  if (options.demoRun) process.env.ORCH_DEMO_RUN = '1';
  else delete process.env.ORCH_DEMO_RUN;
  try {
    return OrchProcess.start(home, ['--plugins', 'business']);
  } finally {
    if (before === undefined) delete process.env.ORCH_DEMO_RUN;
    else process.env.ORCH_DEMO_RUN = before;
  }
}

/** Waits (bounded) until the process printed a line matching `pattern`, and returns the match. */
export async function printed(proc: OrchProcess, pattern: RegExp, timeoutMs = 90_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = pattern.exec(proc.stderr + proc.stdout);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`orch start did not print ${pattern} within ${timeoutMs} ms:\n${proc.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops `orch start` the way Ctrl-C does, and waits for it. */
export async function stopGracefully(proc: OrchProcess): Promise<void> {
  proc.child.kill('SIGTERM');
  await proc.exited;
}

import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OrchEvent } from '../../kernel/index.js';
import type { AgentConfig } from '../../plugins/agents/api/index.js';
import { EventBus } from '../../kernel/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import { createTestHome, type TestHome } from './test-home.js';

/** A temp home for agents tests, with `config/models.json` pointing at a scripted OpenAI server. */
export interface AgentsHome extends TestHome {
  /** Writes `agents-config/<file>` (an object is serialised; a string is written as is). */
  writeAgent(file: string, content: unknown): Promise<void>;
  removeAgent(file: string): Promise<void>;
  readAgent(file: string): Promise<unknown>;
  /** Boots with the agents plugin (and `plugins`), started, and records every bus event. */
  bootAgents(options?: { plugins?: string[]; role?: 'test' | 'server' | 'cli' }): Promise<{ kernel: Kernel; events: OrchEvent[] }>;
  logLines(): Promise<Record<string, unknown>[]>;
}

export function modelsConfigFor(baseURL: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    default: { provider: 'test', model: 'test-model' },
    providers: { test: { baseURL, api: 'chat_completions', ...extra } },
  };
}

export function agentConfig(name: string, extra: Partial<AgentConfig> = {}): Record<string, unknown> {
  return { name, description: `The ${name} agent`, instructions: `You are ${name}.`, ...extra };
}

export async function createAgentsHome(options: { baseURL?: string; providerExtra?: Record<string, unknown> } = {}): Promise<AgentsHome> {
  const home = await createTestHome();
  if (options.baseURL) await home.writeConfig('models.json', modelsConfigFor(options.baseURL, options.providerExtra));
  const folder = join(home.dir, 'agents-config');
  return {
    ...home,
    async writeAgent(file, content) {
      await writeFile(join(folder, file), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
    },
    async removeAgent(file) {
      await rm(join(folder, file), { force: true });
    },
    async readAgent(file) {
      return JSON.parse(await readFile(join(folder, file), 'utf8'));
    },
    async bootAgents(boot = {}) {
      const kernel = await home.boot({ role: boot.role ?? 'test', only: ['agents', ...(boot.plugins ?? [])] });
      const events: OrchEvent[] = [];
      kernel.container.get<EventBus>(EventBus).subscribe((e) => events.push(e));
      await kernel.start();
      const failed = kernel.plugins().filter((p) => p.status === 'failed' || p.status === 'refused');
      if (failed.length > 0) throw new Error(`plugins did not load: ${failed.map((p) => `${p.id}: ${p.reason}`).join('; ')}`);
      return { kernel, events };
    },
    async logLines() {
      const text = await readFile(join(home.dir, 'logs', 'app.jsonl'), 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}

/** Polls `check` every 25 ms until it returns true, at most `limitMs` (a hang guard, not a timing assertion). */
export async function eventually(check: () => boolean | Promise<boolean>, limitMs = 5_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

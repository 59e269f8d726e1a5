import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ServerLocation } from '../../plugins/server/api/index.js';
import { readServerFile } from './server-harness.js';

const ORCH = fileURLToPath(new URL('../../bin/orch.js', import.meta.url));

/** One `orch …` command run to completion. */
export function runOrch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ORCH, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 90_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** `orch start` as a child process, with what it prints kept for assertions. */
export class OrchProcess {
  stderr = '';
  stdout = '';
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk));
    child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(home: string, args: string[] = []): OrchProcess {
    return new OrchProcess(spawn(process.execPath, [ORCH, 'start', '--home', home, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits (bounded) until this process has written `state/server.json`. */
  async ready(home: string, timeoutMs = 60_000): Promise<ServerLocation> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    for (;;) {
      const location = await readServerFile(home).catch(() => undefined);
      if (location?.pid === this.pid) return location;
      if (exitCode !== undefined) throw new Error(`orch start exited (${exitCode}) before listening:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`orch start did not write state/server.json within ${timeoutMs} ms:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Kills what is left (test cleanup); harmless when the process already exited. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** Every process below `pid` (children, grandchildren …), read from /proc. */
export async function descendantsOf(pid: number): Promise<{ pid: number; command: string }[]> {
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the command in parentheses, which may itself contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
      commands.set(Number(entry), (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replace(/\0/g, ' ').trim());
    } catch {
      // the process ended while we looked
    }
  }
  const found: { pid: number; command: string }[] = [];
  const visit = (parent: number): void => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push({ pid: child, command: commands.get(child) ?? '?' });
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

/** Alive and not a zombie (an exited child nobody reaped yet counts as gone). */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { open, truncate } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CappedOutput } from './capped-output.js';

export interface ProcessGroupOptions {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stdin?: string;
  maxOutputBytes: number;
  /** Between SIGTERM and SIGKILL when the group has to be stopped. */
  killGraceMs: number;
  /** Aborting stops the whole group (timeout, cancellation, shutdown). */
  signal: AbortSignal;
  /**
   * stdout and stderr go to these files instead of pipes (read back, capped, once the group ends),
   * so the program does not depend on Orch staying alive to take its output.
   */
  outputFiles?: { stdout: string; stderr: string };
  /** Called right after the program started, with its pid (= its process group id). */
  onSpawn?: (pid: number) => void;
}

export interface ProcessGroupResult {
  pid: number;
  exitCode: number | null;
  /** The signal that ended the leader, when one did. */
  exitSignal: NodeJS.Signals | null;
  stdout: CappedOutput;
  stderr: CappedOutput;
  /** Processes of the group still alive when the leader ended, stopped by us. */
  leftoversStopped: boolean;
}

/** How often we look whether a signalled group is gone. */
const POLL_MS = 25;
/** After SIGKILL, how long we wait for the group to disappear before giving up on it. */
const AFTER_KILL_MS = 2000;

/**
 * Runs a program as the leader of its own process group (`detached`: setsid), so everything it
 * starts — unless it leaves the group on purpose — can be stopped together: SIGTERM to the group,
 * then SIGKILL after the grace period. When the leader ends by itself, processes it left behind in
 * the group are stopped the same way, so a task never leaves orphans running.
 *
 * Resolves once the leader has ended and the group is gone; rejects only when the program could
 * not start. An abort resolves too (with the leader's signal); the caller reads `signal.reason`.
 */
export function runProcessGroup(options: ProcessGroupOptions): Promise<ProcessGroupResult> {
  return new Promise((resolve, reject) => {
    let stdout = new CappedOutput(options.maxOutputBytes);
    let stderr = new CappedOutput(options.maxOutputBytes);
    let child: ChildProcess;
    const files = options.outputFiles;
    let fds: number[] = [];
    try {
      if (files) fds = [openSync(files.stdout, 'w'), openSync(files.stderr, 'w')];
      child = spawn(options.file, options.args, {
        cwd: options.cwd,
        env: options.env,
        detached: true,
        shell: false,
        stdio: [options.stdin === undefined ? 'ignore' : 'pipe', files ? fds[0]! : 'pipe', files ? fds[1]! : 'pipe'],
      });
    } catch (error) {
      for (const fd of fds) closeSync(fd);
      reject(error);
      return;
    }
    // The child has its own copies of the descriptors now.
    for (const fd of fds) closeSync(fd);
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const closed = files ? Promise.resolve() : new Promise<void>((done) => child.once('close', () => done()));
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    if (options.stdin !== undefined && child.stdin) {
      // A program that exits without reading its input closes the pipe: not an error of ours.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin);
    }

    let stopping: Promise<void> | undefined;
    const stop = () => {
      if (child.pid !== undefined) stopping ??= stopGroup(child.pid, options.killGraceMs);
    };
    const onAbort = () => stop();
    if (options.signal.aborted) stop();
    else options.signal.addEventListener('abort', onAbort, { once: true });

    child.once('error', (error) => {
      options.signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('exit', (exitCode, exitSignal) => {
      options.signal.removeEventListener('abort', onAbort);
      const pid = child.pid!;
      void (async () => {
        const leftovers = !stopping && groupAlive(pid);
        if (leftovers) stop();
        await stopping;
        if (files) {
          stdout = await readOutputFile(files.stdout, options.maxOutputBytes);
          stderr = await readOutputFile(files.stderr, options.maxOutputBytes);
        } else await streamsClosed(child, closed);
        resolve({ pid, exitCode, exitSignal, stdout, stderr, leftoversStopped: leftovers });
      })();
    });
  });
}

/** SIGTERM to the group, SIGKILL after the grace period, then a bounded wait until it is gone. */
export async function stopGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  if (await goneWithin(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await goneWithin(pgid, AFTER_KILL_MS);
}

async function goneWithin(pgid: number, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += POLL_MS) {
    if (!groupAlive(pgid)) return true;
    await sleep(POLL_MS);
  }
  return !groupAlive(pgid);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * True while any process of the group is running. Signal 0 checks existence; a group whose only
 * members are zombies (ended, waiting for init to reap them) counts as gone, read from /proc where
 * there is one.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return runningMembers(pgid) !== 0;
}

/** Members of the group that are not zombies, from /proc; -1 when /proc cannot tell. */
function runningMembers(pgid: number): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return -1;
  }
  let running = 0;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // "pid (comm) state ppid pgrp …" — comm may hold spaces and parentheses, so split after the last ")".
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') running += 1;
  }
  return running;
}

/** stdout/stderr end once every process holding them is gone; bounded in case one escaped the group. */
async function streamsClosed(child: ChildProcess, closed: Promise<void>): Promise<void> {
  const giveUp = new AbortController();
  const timer = sleep(AFTER_KILL_MS, undefined, { signal: giveUp.signal }).then(
    () => {
      child.stdout!.destroy();
      child.stderr!.destroy();
    },
    () => undefined,
  );
  await Promise.race([closed, timer]);
  giveUp.abort();
}

/** Up to `limit` bytes of an output file (the rest counted), and the file cut to what was kept. */
export async function readOutputFile(file: string, limit: number): Promise<CappedOutput> {
  const output = new CappedOutput(limit);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return output;
  }
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, limit));
    if (head.length > 0) await handle.read(head, 0, head.length, 0);
    output.push(head);
    output.total = size;
  } finally {
    await handle.close();
  }
  // What was dropped is not kept on disk either.
  if (output.total > limit) await truncate(file, limit).catch(() => undefined);
  return output;
}

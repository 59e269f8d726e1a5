import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupAlive, stopGroup } from './process-group.js';

/**
 * The files of one script attempt, in `state/script-runs/<runId>/<attempt>/`: the script's stdout and
 * stderr (files, not pipes, so a script outlives a crash of Orch without dying of SIGPIPE), its exit
 * code (written by the small shell wrapper that leads the process group, once the script ends) and
 * the result file the script may write itself (`ORCH_RESULT_FILE`, JSON). After a crash these are what
 * a finished script left, so its result is taken instead of running it again.
 */
export interface ScriptAttemptFiles {
  folder: string;
  stdout: string;
  stderr: string;
  exit: string;
  result: string;
}

/** What the run record keeps (`nodes.<id>.scratch`) while a script runs: enough to find it after a crash. */
export interface ScriptScratch {
  /** The attempt this is (the idempotency key): a different attempt never adopts it. */
  key: string;
  folder: string;
  /** Process id of the group leader (= the process group id); absent until spawned. */
  pid?: number;
  /** The leader's start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused pid apart. */
  startTicks?: number;
  startedAt: string;
}

export function attemptFiles(folder: string): ScriptAttemptFiles {
  return { folder, stdout: join(folder, 'stdout'), stderr: join(folder, 'stderr'), exit: join(folder, 'exit'), result: join(folder, 'result.json') };
}

/** A fresh folder for this attempt (a random suffix: a retry or a test never meets old files). */
export async function newAttemptFolder(root: string, runId: string, key: string): Promise<ScriptAttemptFiles> {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 120);
  const folder = join(root, safe(runId), `${safe(key)}-${randomBytes(3).toString('hex')}`);
  await mkdir(folder, { recursive: true });
  return attemptFiles(folder);
}

/**
 * Runs the program under `/bin/sh`, which records its exit code in `exit` (temp file + rename) when
 * it ends, even when Orch is gone by then. The program's own exit code is passed on.
 */
export const EXIT_RECORDER = '"$@"; code=$?; printf "%s\\n" "$code" > "$ORCH_EXIT_FILE.tmp" && mv -f "$ORCH_EXIT_FILE.tmp" "$ORCH_EXIT_FILE"; exit $code';

/** The leader's start time from /proc (undefined when the process is gone or there is no /proc). */
export async function startTicksOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Field 22 of the whole line is index 19 after "pid (comm)".
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the process group a crashed Orch left behind still runs. A group outlives its leader; a
 * pid is not reused while its group exists, so a live leader with another start time means the group
 * is gone and the pid belongs to someone else.
 */
export async function leftoverAlive(scratch: ScriptScratch): Promise<boolean> {
  // Crashed between the spawn and recording the pid: find the group by the exit file its wrapper was given.
  if (scratch.pid === undefined) {
    const found = await groupByEnvironment(`ORCH_EXIT_FILE=${attemptFiles(scratch.folder).exit}`);
    if (found === undefined) return false;
    scratch.pid = found;
    scratch.startTicks = undefined;
  }
  if (!groupAlive(scratch.pid)) return false;
  const ticks = await startTicksOf(scratch.pid);
  return ticks === undefined || scratch.startTicks === undefined || ticks === scratch.startTicks;
}

/**
 * Waits until the left-over group ends by itself, at most until `deadline` (ms since epoch); then
 * stops it (SIGTERM to the group, SIGKILL after `graceMs`). Returns how it ended.
 */
export async function settleLeftover(scratch: ScriptScratch, deadline: number, graceMs: number, signal: AbortSignal): Promise<'ended' | 'stopped'> {
  while (Date.now() < deadline) {
    if (!(await leftoverAlive(scratch))) return 'ended';
    if (signal.aborted) break;
    await sleep(Math.min(200, Math.max(1, deadline - Date.now())));
  }
  if (!(await leftoverAlive(scratch))) return 'ended';
  await stopGroup(scratch.pid!, graceMs);
  return 'stopped';
}

/** The exit code the wrapper recorded, or undefined when the script did not end (or was killed with its wrapper). */
export async function recordedExit(files: ScriptAttemptFiles): Promise<number | undefined> {
  try {
    const code = Number((await readFile(files.exit, 'utf8')).trim());
    return Number.isInteger(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The script's own result (`ORCH_RESULT_FILE`), parsed; `{ invalid }` when it is not JSON; undefined when not written. */
export async function scriptResult(files: ScriptAttemptFiles): Promise<{ value: unknown } | { invalid: string } | undefined> {
  let text: string;
  try {
    text = await readFile(files.result, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { invalid: (error as Error).message };
  }
}

/**
 * The program must exist and be executable before it is handed to the wrapper shell (which would
 * only exit 127); the same clear, not-retried error as a failed spawn.
 */
export async function checkProgram(file: string, path: string | undefined, cwd: string): Promise<void> {
  const candidates = file.includes('/') ? [isAbsolute(file) ? file : resolve(cwd, file)] : (path ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, file));
  let found: string | undefined;
  for (const candidate of candidates) {
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile()) {
      found = candidate;
      break;
    }
  }
  if (!found) throw Object.assign(new Error(`spawn ${file} ENOENT`), { code: 'ENOENT' });
  try {
    await access(found, constants.X_OK);
  } catch {
    throw Object.assign(new Error(`spawn ${file} EACCES`), { code: 'EACCES' });
  }
}

/** The process group of a process whose environment holds `entry` (from /proc; undefined when none). */
async function groupByEnvironment(entry: string): Promise<number | undefined> {
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (!environ.split('\0').includes(entry)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    if (Number.isInteger(pgrp) && pgrp > 0) return pgrp;
  }
  return undefined;
}

import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * True when no process `pid` is running: it does not exist, or it has ended and only waits to be
 * reaped (a zombie has finished running; whether it is reaped depends on the init of the machine).
 */
export async function processGone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}

/** Reads a pid a script wrote, polling (bounded) until the file holds one. */
export async function pidFrom(file: string, tries = 200): Promise<number> {
  for (let i = 0; i < tries; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (/^\d+\s*$/.test(text)) return Number(text);
    await sleep(25);
  }
  throw new Error(`no pid in ${file}`);
}

/** Kills `pid` if a test failed before the adapter did (never leave processes behind). */
export function killQuietly(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

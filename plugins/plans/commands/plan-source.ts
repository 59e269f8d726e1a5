import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { OrchError } from '../../../kernel/index.js';
import { PLAN_ID_PATTERN, type Plan, type PlanStore } from '../api/index.js';

/** A plan named on the command line: a file's text, or a stored version. */
export type NamedPlan = { kind: 'file'; path: string; text: string } | { kind: 'stored'; plan: Plan };

export async function readPlanFile(path: string): Promise<{ path: string; text: string }> {
  const absolute = resolve(path);
  try {
    return { path, text: await readFile(absolute, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new OrchError('not_found', `No such file: ${path}`, { file: absolute });
    if (code === 'EISDIR') throw new OrchError('invalid_input', `${path} is a folder; give a plan file (.json)`, { file: absolute });
    throw new OrchError('invalid_input', `Cannot read ${path}: ${(error as Error).message}`, { file: absolute });
  }
}

/** `plan:dry-run <file|id>`: an existing file wins; otherwise a saved plan's id. */
export async function resolveNamedPlan(name: string, store: PlanStore, version?: number): Promise<NamedPlan> {
  if (await isFile(name)) {
    if (version !== undefined) throw new OrchError('invalid_input', `--version applies to a saved plan, but ${name} is a file`);
    return { kind: 'file', ...(await readPlanFile(name)) };
  }
  if (!PLAN_ID_PATTERN.test(name)) {
    throw new OrchError('not_found', `No such file: ${name} (and it is not a plan id either)`, { file: resolve(name) });
  }
  try {
    return { kind: 'stored', plan: await store.get(name, version) };
  } catch (error) {
    if (error instanceof OrchError && error.code === 'not_found') {
      throw new OrchError('not_found', `${error.message}. (No file named ${name} either.)`, error.details);
    }
    throw error;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(resolve(path))).isFile();
  } catch {
    return false;
  }
}

/** `--version` as given to yargs (a number, or absent). */
export function versionOption(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new OrchError('invalid_input', `--version must be a positive whole number, got "${String(value)}"`);
  return n;
}

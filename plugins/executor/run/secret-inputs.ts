import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OrchError, registerSecretValues, replaceAtomically } from '../../../kernel/index.js';
import type { Plan } from '../../plans/api/index.js';

/** What a run record shows for an input declared `secret`. */
export const SECRET_SHOWN = '[secret]';

/**
 * Run inputs declared `"secret": true` never enter the run's state: the record shows `[secret]`, the
 * checkpoints hold a marker naming the run (`[secret input of run-…]`), and the values stay in this
 * process — plus, for a JSON-mode run that may resume after a restart, in
 * `state/secrets/<runId>.json` (mode 0600, outside the records and checkpoints, removed when the run
 * ends). Expressions see the real values (the marker is resolved when the scope is built), and the
 * kernel's redaction scrubs them from every log line, approval preview and API answer.
 */
const held = new Map<string, Record<string, unknown>>();
const folders = new Map<string, string>();
const MARKER = /^\[secret input of (run-[A-Za-z0-9_-]+)\]$/;

export function secretInputNames(plan: Plan): string[] {
  return Object.entries(plan.inputs ?? {})
    .filter(([, spec]) => (spec as { secret?: boolean }).secret === true)
    .map(([name]) => name);
}

/** The inputs split three ways: what the record shows, what the graph state holds, the secret values. */
export function splitSecretInputs(plan: Plan, runId: string, inputs: Record<string, unknown>) {
  const names = new Set(secretInputNames(plan));
  const shown: Record<string, unknown> = {};
  const state: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (names.has(name)) {
      shown[name] = SECRET_SHOWN;
      state[name] = `[secret input of ${runId}]`;
      secrets[name] = value;
    } else {
      shown[name] = value;
      state[name] = value;
    }
  }
  return { shown, state, secrets };
}

/** Where the secret inputs of runs of this home are kept while they run (JSON mode). */
export class SecretInputFiles {
  /** Runs this process started without secret inputs: they have no file to remove when they end. */
  private readonly withoutSecrets = new Set<string>();

  constructor(readonly folder: string) {}

  fileOf(runId: string): string {
    return join(this.folder, `${runId}.json`);
  }

  /** Holds the values in this process and, when `persist`, in a file only the owner can read. */
  async keep(runId: string, secrets: Record<string, unknown>, persist: boolean): Promise<void> {
    if (Object.keys(secrets).length === 0) {
      this.withoutSecrets.add(runId);
      return;
    }
    registerSecretValues(Object.values(secrets));
    held.set(runId, secrets);
    folders.set(runId, this.folder);
    if (!persist) return;
    try {
      await mkdir(this.folder, { recursive: true, mode: 0o700 });
      await replaceAtomically(this.fileOf(runId), (temp) => writeFile(temp, `${JSON.stringify(secrets)}\n`, { mode: 0o600, flag: 'wx' }));
    } catch (error) {
      throw new OrchError('write_failed', `Could not keep the secret inputs of run ${runId} in ${this.fileOf(runId)}: ${(error as Error).message}`, { file: this.fileOf(runId) });
    }
  }

  /** A session of this run may need its secrets (resume, recovery, replay): say where they are. */
  know(runId: string): void {
    folders.set(runId, this.folder);
  }

  /** The run ended: its secrets are forgotten and their file removed. */
  async forget(runId: string): Promise<void> {
    held.delete(runId);
    // A run started here without secrets has no file; any other may have one (kept by the process that started it).
    if (this.withoutSecrets.delete(runId)) return;
    await rm(this.fileOf(runId), { force: true }).catch(() => undefined);
  }
}

/** The inputs as expressions see them: markers replaced by the values this process holds (or reads from the run's file). */
export function revealSecretInputs(input: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(input)) {
    const runId = typeof value === 'string' ? MARKER.exec(value)?.[1] : undefined;
    if (runId === undefined) continue;
    out ??= { ...input };
    out[name] = secretOf(runId, name);
  }
  return out ?? input;
}

function secretOf(runId: string, name: string): unknown {
  let secrets = held.get(runId);
  const folder = folders.get(runId);
  if (!secrets && folder) {
    try {
      secrets = JSON.parse(readFileSync(join(folder, `${runId}.json`), 'utf8')) as Record<string, unknown>;
      registerSecretValues(Object.values(secrets));
      held.set(runId, secrets);
    } catch {
      // not kept (a memory-mode run of another process, or a run that has ended)
    }
  }
  if (!secrets || !Object.hasOwn(secrets, name)) {
    throw new OrchError(
      'unavailable',
      `the secret input "${name}" of run ${runId} is not available: secrets are kept only while their run is unfinished (and, in memory mode, only by the process that started it); start a new run with --input ${name}=…`,
    );
  }
  return secrets[name];
}

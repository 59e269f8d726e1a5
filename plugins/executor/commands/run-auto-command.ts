import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inject, injectable } from 'inversify';
import { OrchError, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { parseInputPairs } from '../run/plan-inputs.js';
import { ProgressView } from './progress-view.js';
import { RunAccess, type PlanRef } from './run-access.js';
import { exitCodeOf, outcomeLines } from './run-text.js';

/**
 * `orch run:auto <plan-file|plan-id> [--plan-version N] [--memory] [--input k=v…] [--json]`: runs a
 * plan until it is done or waits for a person, showing each node as it goes. Exit 0 completed,
 * 2 waiting for a person, 1 otherwise.
 */
@injectable()
export class RunAutoCommand implements CliCommand {
  readonly name = 'run:auto';

  constructor(@inject(RunAccess) private readonly access: RunAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const plan = await planRefOf(String(args.plan), args['plan-version'] as number | undefined);
    const inputs = parseInputPairs(((args.input as string[] | undefined) ?? []).map(String));
    const memory = Boolean(args.memory);
    const view = await this.access.open(io, { memory });
    const progress = new ProgressView(io);
    const record = await view.start(plan, { inputs, memory }, (r) => progress.update(r));
    progress.finish(record);
    if (io.json) io.printJson(record);
    else for (const line of outcomeLines(record, view.via === 'server')) io.out(line);
    return exitCodeOf(record);
  }
}

/** A path to a plan file (it exists, or ends in .json), else the id of a stored plan. */
export async function planRefOf(argument: string, version?: number): Promise<PlanRef> {
  const looksLikeFile = argument.endsWith('.json') || argument.includes('/') || existsSync(argument);
  if (!looksLikeFile) return { planId: argument, ...(version !== undefined ? { version } : {}) };
  if (version !== undefined) throw new OrchError('invalid_input', '--plan-version applies to a stored plan id, not to a plan file');
  const file = resolve(argument);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new OrchError('not_found', `Cannot read plan file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, { file });
  }
  try {
    return { document: JSON.parse(text), source: file };
  } catch (error) {
    throw new OrchError('invalid_input', `${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
}

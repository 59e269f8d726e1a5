import { writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { inject, injectable } from 'inversify';
import { OrchError, Paths, ProcessContext, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { type Plan, type PlanDocument } from '../api/index.js';
import { PlanDesigner, type DesignResult } from '../design/plan-designer.js';
import { renderPlanOutline } from '../render/plan-outline.js';
import { terminalStyle, wantsColor } from '../render/terminal-style.js';
import { roundNotice } from '../../agents/api/index.js';
import { PlanAccess } from './plan-access.js';

/** `orch plan:design "<goal>" [--save] [--id] [--out]`: the Designer, with its progress on stderr. */
@injectable()
export class PlanDesignCommand implements CliCommand {
  readonly name = 'plan:design';

  constructor(
    @inject(PlanDesigner) private readonly designer: PlanDesigner,
    @inject(PlanAccess) private readonly access: PlanAccess,
    @inject(ProcessContext) private readonly process: ProcessContext,
    @inject(Paths) private readonly paths: Paths,
  ) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const goal = String(args.goal ?? '');
    io.notice('Designing a plan with the model (the dry run checks every answer)…');
    const result = await this.designer.design(goal, {
      planId: optionalString(args.id),
      rounds: optionalRounds(args.rounds),
      provider: optionalString(args.provider),
      model: optionalString(args.model),
      signal: this.process.shutdownSignal,
      onRound: repairNotice(io),
    });
    return finish(result, args, io, { access: this.access, paths: this.paths, origin: 'design' });
  }
}

/** Shared by plan:design and plan:replan: one stderr line per answer the dry run sent back for repair. */
export function repairNotice(io: CommandIO): (round: number, problems: string[], repairsLeft: number) => void {
  return (round, problems, repairsLeft) =>
    io.notice(`  ${roundNotice(round, problems, repairsLeft)}`);
}

/** Shared by plan:design and plan:replan: write --out, save when asked, print the outcome. */
export async function finish(
  result: DesignResult,
  args: Record<string, unknown>,
  io: CommandIO,
  context: { access: PlanAccess; paths: Paths; origin: string },
): Promise<number> {
  const out = optionalString(args.out);
  if (out) await writePlanFile(out, result.document, context.paths);
  let saved: Plan | undefined;
  let unchanged = false;
  if (args.save === true) {
    const gateway = await context.access.open(io, 'write');
    const source = context.origin.startsWith('replan') ? 'the re-planned plan' : 'the designed plan';
    const outcome = await gateway.save(result.document, { check: true, origin: context.origin, source });
    saved = outcome.plan;
    unchanged = Boolean(outcome.unchanged);
  }
  if (io.json) {
    io.printJson({
      plan: result.document,
      rounds: result.rounds,
      report: result.report,
      usage: result.usage ?? null,
      provider: result.provider ?? null,
      model: result.model ?? null,
      saved: saved ? { id: saved.id, version: saved.version, unchanged } : null,
      out: out ?? null,
    });
    return 0;
  }
  const style = terminalStyle(wantsColor(io.interactive));
  const warnings = result.report.warningCount ? `, ${result.report.warningCount} warning${result.report.warningCount === 1 ? '' : 's'}` : '';
  io.out(style.bold(`${result.document.id} — ${result.document.name}`));
  io.out(`goal: ${result.document.goal}`);
  io.out(
    style.dim(
      `designed by ${result.model ?? 'the model'}${result.provider ? ` (provider ${result.provider})` : ''} in ${result.rounds} answer${result.rounds === 1 ? '' : 's'}; dry run passed${warnings}`,
    ),
  );
  io.out('');
  io.out(renderPlanOutline(result.document.root, style));
  io.out('');
  if (out) io.out(`Wrote the plan to ${out}.`);
  if (saved && unchanged) io.out(`Same content as the active version v${saved.version} of plan ${saved.id}: nothing new was saved.`);
  else if (saved) io.out(style.ok(`Saved as plan ${saved.id} v${saved.version} (active). Run it: orch run:auto ${saved.id}`));
  else io.out(`Not saved. Save it with --save${out ? `, or: orch plan:save ${out}` : ', or write it to a file with --out plan.json'}.`);
  return 0;
}

/** The plan as a file, with `$schema` pointing at the project's schema so editors check it. */
async function writePlanFile(out: string, document: PlanDocument, paths: Paths): Promise<void> {
  const file = resolve(out);
  const schema = relative(dirname(file), join(paths.projectRoot, 'schemas', 'plan.schema.json')).split(sep).join('/');
  try {
    await writeFile(file, `${JSON.stringify({ $schema: schema, ...document }, null, 2)}\n`);
  } catch (error) {
    throw new OrchError('write_failed', `Could not write ${out}: ${(error as Error).message}`, { file });
  }
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

export function optionalRounds(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new OrchError('invalid_input', `--rounds must be a whole number from 0 to 10, got "${String(value)}"`);
  return n;
}

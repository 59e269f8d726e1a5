import { inject, injectable } from 'inversify';
import { OrchError, isOrchError, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { type DryRunReport } from '../api/index.js';
import { renderDryRun } from '../render/dry-run-text.js';
import { terminalStyle, wantsColor } from '../render/terminal-style.js';
import { parseJsonText } from '../validation/json-text.js';
import { PlanAccess } from './plan-access.js';
import { readPlanFile } from './plan-source.js';

/** `orch plan:save <file> [--force] [--no-check]`: dry-run, then store as the plan's next version. */
@injectable()
export class PlanSaveCommand implements CliCommand {
  readonly name = 'plan:save';

  constructor(@inject(PlanAccess) private readonly access: PlanAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const file = await readPlanFile(String(args.file));
    const document = parseJsonText(file.text, file.path);
    const gateway = await this.access.open(io, 'write');
    const style = terminalStyle(wantsColor(io.interactive));
    try {
      const { plan, report, unchanged } = await gateway.save(document, { force: Boolean(args.force), check: args.check !== false, source: file.path });
      if (io.json) {
        io.printJson({ via: gateway.via, unchanged: Boolean(unchanged), plan: { id: plan.id, version: plan.version, createdAt: plan.createdAt, createdBy: plan.createdBy }, report });
        return 0;
      }
      if (unchanged) {
        io.out(`Plan ${plan.id} is unchanged: same content as the active version v${plan.version}, so nothing was saved (--force saves a copy as a new version).`);
        return 0;
      }
      const warnings = report?.warningCount ? ` (${report.warningCount} warning${report.warningCount === 1 ? '' : 's'}: see orch plan:dry-run ${plan.id})` : '';
      const checked = report ? 'dry run passed' : 'schema checked, dry run skipped';
      io.out(style.ok(`Saved plan ${plan.id} v${plan.version} — now the active version; ${checked}${warnings}.`));
      if (plan.version > 1) io.out(style.dim(`What changed: orch plan:diff ${plan.id} ${plan.version - 1} ${plan.version}`));
      return 0;
    } catch (error) {
      const report = isOrchError(error) ? (error.details?.report as DryRunReport | undefined) : undefined;
      if (!report || io.json) throw error;
      io.out(renderDryRun(report, style));
      throw new OrchError('invalid_input', `Not saved: fix the errors above (or save anyway with --no-check, which checks the schema only)`);
    }
  }
}

import { inject, injectable } from 'inversify';
import { type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { PlanStore } from '../api/index.js';
import { renderDryRun } from '../render/dry-run-text.js';
import { terminalStyle, wantsColor } from '../render/terminal-style.js';
import { parseJsonText } from '../validation/json-text.js';
import { PlanAccess } from './plan-access.js';
import { resolveNamedPlan, versionOption } from './plan-source.js';

/** `orch plan:dry-run <file|id> [--version N]`: the whole check, nothing run; exit 1 on any error. */
@injectable()
export class PlanDryRunCommand implements CliCommand {
  readonly name = 'plan:dry-run';

  constructor(
    @inject(PlanStore) private readonly store: PlanStore,
    @inject(PlanAccess) private readonly access: PlanAccess,
  ) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const named = await resolveNamedPlan(String(args.plan), this.store, versionOption(args.version));
    const gateway = await this.access.open(io, 'check');
    let report;
    if (named.kind === 'file') {
      // A syntax error is a finding like any other (the report says where), not a crash of the command.
      let document: unknown = named.text;
      try {
        document = parseJsonText(named.text, named.path);
      } catch {
        // the validator reports it with line and column
      }
      report = await gateway.dryRun(document, named.path);
    } else {
      report = await gateway.dryRun(named.plan, `plan ${named.plan.id} v${named.plan.version}`);
    }
    if (io.json) io.printJson(report);
    else io.out(renderDryRun(report, terminalStyle(wantsColor(io.interactive))));
    return report.ok ? 0 : 1;
  }
}

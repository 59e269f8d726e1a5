import { inject, injectable } from 'inversify';
import { OrchError, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { PlanAccess } from './plan-access.js';

/** `orch plan:rollback <id> --to N`: the content of vN becomes a new, active version. */
@injectable()
export class PlanRollbackCommand implements CliCommand {
  readonly name = 'plan:rollback';

  constructor(@inject(PlanAccess) private readonly access: PlanAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const planId = String(args.id);
    const to = Number(args.to);
    if (!Number.isInteger(to) || to < 1) throw new OrchError('invalid_input', `--to must be a version number (1, 2, …), got "${String(args.to)}"`);
    const gateway = await this.access.open(io, 'write');
    const plan = await gateway.rollback(planId, to);
    if (io.json) io.printJson({ via: gateway.via, plan: { id: plan.id, version: plan.version, rolledBackTo: to } });
    else io.out(`Rolled back plan ${plan.id}: v${plan.version} is now active, with the content of v${to}. Earlier versions are kept (orch plan:versions ${plan.id}).`);
    return 0;
  }
}

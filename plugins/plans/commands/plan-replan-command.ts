import { inject, injectable } from 'inversify';
import { Paths, ProcessContext, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { PlanDesigner } from '../design/plan-designer.js';
import { PlanAccess } from './plan-access.js';
import { finish, optionalRounds, optionalString, repairNotice } from './plan-design-command.js';

/** `orch plan:replan <id> [--run <runId>] [--feedback "…"]`: the next version, saved unless --no-save. */
@injectable()
export class PlanReplanCommand implements CliCommand {
  readonly name = 'plan:replan';

  constructor(
    @inject(PlanDesigner) private readonly designer: PlanDesigner,
    @inject(PlanAccess) private readonly access: PlanAccess,
    @inject(ProcessContext) private readonly process: ProcessContext,
    @inject(Paths) private readonly paths: Paths,
  ) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const planId = String(args.id);
    const result = await this.designer.replan(planId, {
      runId: optionalString(args.run),
      feedback: optionalString(args.feedback),
      rounds: optionalRounds(args.rounds),
      provider: optionalString(args.provider),
      model: optionalString(args.model),
      signal: this.process.shutdownSignal,
      onRound: repairNotice(io),
    });
    io.notice(`Re-planned ${planId} from v${result.basedOn.version}${result.run ? `, run ${result.run.runId} (${result.run.status})` : ''}${args.feedback ? ' and your feedback' : ''}.`);
    return finish(result, args, io, { access: this.access, paths: this.paths, origin: result.run ? `replan after run ${result.run.runId}` : 'replan' });
  }
}

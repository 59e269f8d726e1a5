import { inject, injectable, optional } from 'inversify';
import { ProcessContext, type CommandIO } from '../../../kernel/index.js';
import { PlansApi, PlanStore, PlanValidator, type DryRunReport, type Plan } from '../api/index.js';
import { serverOrLocal, ServerLink, type AccessVia, type ApiClient } from '../../server/api/index.js';
import { CheckedPlanSaver, type CheckedSave } from '../checked-plan-saver.js';

/** Writes and checks as a command performs them: through the live server, or on the files here. */
export interface PlanGateway {
  save(document: unknown, options: { force?: boolean; check?: boolean; source?: string; origin?: string }): Promise<CheckedSave>;
  rollback(planId: string, to: number): Promise<Plan>;
  dryRun(document: unknown, source?: string): Promise<DryRunReport>;
}

/**
 * A running Orch server gets the writes (so it announces `plan.saved` to every GUI) and the dry
 * runs (its MCP sessions are already open); without one, this process works on the files itself —
 * both safe, since the plan store writes under an inter-process lock. Says which on stderr.
 */
@injectable()
export class PlanAccess {
  constructor(
    @inject(CheckedPlanSaver) private readonly saver: CheckedPlanSaver,
    @inject(PlanStore) private readonly store: PlanStore,
    @inject(PlanValidator) private readonly validator: PlanValidator,
    @inject(ProcessContext) private readonly process: ProcessContext,
    @inject(ServerLink) @optional() private readonly link: ServerLink | undefined,
  ) {}

  open(io: CommandIO, purpose: 'write' | 'check'): Promise<PlanGateway & { readonly via: AccessVia }> {
    const operator = this.process.operator;
    return serverOrLocal(io, this.link, {
      remote: remoteGateway,
      local: () => ({
        save: (document, options) => this.saver.save(document, { ...options, operator }),
        rollback: (planId, to) => this.store.rollback(planId, to, { operator }),
        dryRun: (document, source) => this.validator.dryRun(document, { source }),
      }),
      localNotice: purpose === 'write' ? 'working on the files directly' : 'checked in this process',
      localVia: 'files',
    });
  }
}

function remoteGateway(client: ApiClient): PlanGateway {
  return {
    save: (plan, options) => client.call(PlansApi.save, { body: { plan, ...options } }),
    rollback: async (planId, to) => (await client.call(PlansApi.rollback, { params: { planId }, body: { to } })).plan,
    dryRun: (plan, source) => client.call(PlansApi.dryRun, { body: { plan, source } }),
  };
}

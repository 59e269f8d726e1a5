import { inject, injectable, optional } from 'inversify';
import { ProcessContext, type CommandIO } from '../../../kernel/index.js';
import { PlanStore, PlanValidator, type DryRunReport, type Plan } from '../api/index.js';
import { ServerLink } from '../../server/api/index.js';
import { CheckedPlanSaver, type CheckedSave } from '../checked-plan-saver.js';
import { notice } from './notice.js';

/** Writes and checks as a command performs them: through the live server, or on the files here. */
export interface PlanGateway {
  readonly via: 'server' | 'files';
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

  async open(io: CommandIO, purpose: 'write' | 'check'): Promise<PlanGateway> {
    const location = await this.link?.locate();
    if (location && this.link) {
      notice(io, `(through the Orch server at ${location.baseUrl}, pid ${location.pid})`);
      return remoteGateway(this.link);
    }
    notice(io, purpose === 'write' ? '(no Orch server running — working on the files directly)' : '(no Orch server running — checked in this process)');
    const operator = this.process.operator;
    return {
      via: 'files',
      save: (document, options) => this.saver.save(document, { ...options, operator }),
      rollback: (planId, to) => this.store.rollback(planId, to, { operator }),
      dryRun: (document, source) => this.validator.dryRun(document, { source }),
    };
  }
}

function remoteGateway(link: ServerLink): PlanGateway {
  const enc = encodeURIComponent;
  return {
    via: 'server',
    save: (plan, options) => link.request<CheckedSave>('POST', '/plans', { plan, ...options }),
    rollback: async (planId, to) => (await link.request<{ plan: Plan }>('POST', `/plans/${enc(planId)}/rollback`, { to })).plan,
    dryRun: (plan, source) => link.request<DryRunReport>('POST', '/plans/dry-run', { plan, source }),
  };
}

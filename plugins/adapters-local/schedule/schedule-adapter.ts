import { Cron } from 'croner';
import { injectable } from 'inversify';
import type { z } from 'zod';
import { OrchError } from '../../../kernel/index.js';
import { type DryRunContext, type DryRunIssue, type NodeAdapter, type NodeRunContext, type RiskLevel } from '../../plans/api/index.js';
import { parseDuration } from './duration.js';
import { ScheduleParamsSchema, type ScheduleOutput, type ScheduleParams } from './schedule-params.js';
import { waitUntil } from './wait-until.js';

/** Kept in the run record (`nodes.<id>.scratch`) so a restart resumes the same wait. */
interface ScheduleScratch {
  target: string;
  scheduledAt: string;
  /** The params the target was computed from; a different spec computes anew. */
  spec: string;
}

/**
 * `local_task` kind `schedule`: a timer inside a plan. The target time is computed once and stored
 * through `ctx.scratch` before waiting, so after a crash or restart the resumed node waits only for
 * the remainder (or fires at once if the target has passed). Cancellation ends the wait at once.
 */
@injectable()
export class ScheduleAdapter implements NodeAdapter<ScheduleParams, ScheduleOutput> {
  readonly type = 'local_task' as const;
  readonly kind = 'schedule';
  readonly paramsSchema = ScheduleParamsSchema as unknown as z.ZodType<ScheduleParams>;
  readonly defaultRiskLevel: RiskLevel = 'low';
  readonly description = 'Waits until an ISO time, for a duration, or for the next cron occurrence; a restart waits only the remainder';

  async dryRun({ node, params }: DryRunContext<ScheduleParams>): Promise<DryRunIssue[]> {
    const issues: DryRunIssue[] = [];
    if (params.at !== undefined && Date.parse(params.at) < Date.now()) {
      issues.push({ path: 'params.at', severity: 'warning', message: `${params.at} has already passed: the node will fire at once` });
    }
    const target = targetOf(params, Date.now());
    if (node.timeoutMs !== undefined && target - Date.now() > node.timeoutMs) {
      issues.push({
        path: 'timeoutMs',
        severity: 'warning',
        message: `the node's timeoutMs (${node.timeoutMs} ms) ends the attempt before the wait does (next target ${new Date(target).toISOString()})`,
      });
    }
    return issues;
  }

  async run(ctx: NodeRunContext<ScheduleParams>): Promise<ScheduleOutput> {
    const spec = JSON.stringify(ctx.params);
    const stored = ctx.scratch.get<ScheduleScratch>();
    const resumed = stored?.spec === spec && !Number.isNaN(Date.parse(stored.target));
    let scratch: ScheduleScratch;
    if (resumed) scratch = stored!;
    else {
      const now = Date.now();
      scratch = { target: new Date(targetOf(ctx.params, now)).toISOString(), scheduledAt: new Date(now).toISOString(), spec };
      // Stored before waiting: a process that dies during the wait leaves the target behind.
      await ctx.scratch.set(scratch);
    }
    const target = Date.parse(scratch.target);
    const started = Date.now();
    const late = target <= started;
    ctx.logger.info(
      late ? `Schedule target ${scratch.target} has passed: firing now` : `Waiting until ${scratch.target}${resumed ? ' (resumed: only the remainder)' : ''}`,
      { target: scratch.target, resumed, leftMs: Math.max(0, target - started) },
    );
    const span = Math.max(1, target - Date.parse(scratch.scheduledAt));
    await waitUntil(target, ctx.signal, (left) => ctx.reportProgress(span - left, span, `waiting until ${scratch.target}`));
    const fired = Date.now();
    return { target: scratch.target, firedAt: new Date(fired).toISOString(), scheduledAt: scratch.scheduledAt, waitedMs: fired - started, resumed, late };
  }
}

/** The epoch ms the params point at, seen from `now`. */
export function targetOf(params: ScheduleParams, now: number): number {
  if (params.at !== undefined) return Date.parse(params.at);
  if (params.after !== undefined) return now + parseDuration(params.after)!;
  const next = new Cron(params.cron!, { paused: true, ...(params.timezone ? { timezone: params.timezone } : {}) }).nextRun(new Date(now));
  if (!next) throw new OrchError('invalid_input', `params.cron "${params.cron}" has no future occurrence`);
  return next.getTime();
}

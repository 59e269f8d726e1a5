import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { type StatusSection } from '../../../kernel/index.js';
import { RunService, RunStatusSchema } from '../api/index.js';

/** Runs that are not finished: what the snapshot and `orch status` list. */
export const ACTIVE_RUN_STATUSES = ['running', 'waiting_approval', 'needs_attention', 'blocked'] as const;

export const RunsSummarySchema = z.object({
  active: z.array(
    z.object({
      runId: z.string(),
      planId: z.string(),
      planVersion: z.number().int(),
      status: RunStatusSchema,
      operator: z.string(),
      createdAt: z.string(),
      updatedAt: z.string(),
    }),
  ),
  /** Every run on file, by status. */
  counts: z.record(z.string(), z.number().int().nonnegative()),
});
export type RunsSummary = z.infer<typeof RunsSummarySchema>;

/** `runs` of the status snapshot: the active runs (newest first) and the count of every run by status. */
@injectable()
export class RunStatusSection implements StatusSection<RunsSummary> {
  readonly name = 'runs';
  readonly schema = RunsSummarySchema;

  constructor(@inject(RunService) private readonly runs: RunService) {}

  async build(): Promise<RunsSummary> {
    const all = await this.runs.listItems();
    const counts: Record<string, number> = {};
    for (const run of all) counts[run.status] = (counts[run.status] ?? 0) + 1;
    const active = all
      .filter((run) => (ACTIVE_RUN_STATUSES as readonly string[]).includes(run.status))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .map(({ runId, planId, planVersion, status, operator, createdAt, updatedAt }) => ({ runId, planId, planVersion, status, operator, createdAt, updatedAt }));
    return { active, counts };
  }

  describe(runs: RunsSummary): string[] {
    const totals = Object.entries(runs.counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    const active = runs.active.slice(0, 10).map((r) => `${r.runId}  ${r.planId} v${r.planVersion}  ${r.status}  (updated ${r.updatedAt})`);
    const more = runs.active.length > 10 ? [`… and ${runs.active.length - 10} more (orch run:list)`] : [];
    return [`${runs.active.length} active${totals ? `; on file: ${totals}` : '; none on file'}`, ...active, ...more];
  }
}

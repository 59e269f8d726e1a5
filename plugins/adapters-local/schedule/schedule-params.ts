import { Cron } from 'croner';
import { z } from 'zod';
import { parseDuration } from './duration.js';

/** Longest wait a schedule node may ask for. */
export const MAX_SCHEDULE_WAIT_MS = 366 * 86_400_000;

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The cron library's own complaint, or undefined when the expression is valid. */
export function cronProblem(expression: string, timezone?: string): string | undefined {
  try {
    const job = new Cron(expression, { paused: true, ...(timezone ? { timezone } : {}) });
    if (!job.nextRun()) return 'has no future occurrence';
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * `local_task` kind `schedule`: waits until an ISO time (`at`), for a duration (`after`) or until the
 * next occurrence of a cron expression (`cron`, optionally in `timezone`). The target time is kept
 * in the run record, so a run resumed after a restart waits only for what is left.
 */
export const ScheduleParamsSchema = z
  .strictObject({
    at: z.iso
      .datetime({ offset: true, error: 'an ISO 8601 time with a zone, e.g. 2026-11-25T06:00:00Z or 2026-11-25T07:00:00+01:00' })
      .optional()
      .describe('Wait until this time (ISO 8601 with Z or an offset); a time already past fires at once'),
    after: z
      .union([z.number().int().min(0), z.string().min(1)])
      .optional()
      .refine((v) => v === undefined || parseDuration(v) !== undefined, 'a duration such as 90s, 5m, 1h30m, 2d, 500ms, PT1H30M, or milliseconds')
      .refine((v) => v === undefined || (parseDuration(v) ?? 0) <= MAX_SCHEDULE_WAIT_MS, 'at most 366 days')
      .describe('Wait this long: milliseconds, or 90s, 5m, 1h30m, 2d, PT1H30M'),
    cron: z.string().min(1).optional().describe('Wait until the next occurrence of this cron expression (5 fields, or 6 with seconds first)'),
    timezone: z
      .string()
      .refine(validTimeZone, 'an IANA time zone such as Europe/Berlin or UTC')
      .optional()
      .describe('Time zone of "cron" (default: the zone of the Orch process)'),
  })
  .superRefine((p, ctx) => {
    const given = (['at', 'after', 'cron'] as const).filter((k) => p[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [given[1] ?? 'at'],
        message: given.length === 0 ? 'say when: give one of "at", "after" or "cron"' : `give only one of "at", "after" or "cron" (found ${given.join(' and ')})`,
      });
    }
    if (p.timezone !== undefined && p.cron === undefined) ctx.addIssue({ code: 'custom', path: ['timezone'], message: '"timezone" applies to "cron" only' });
    if (p.cron !== undefined) {
      const problem = cronProblem(p.cron, p.timezone !== undefined && validTimeZone(p.timezone) ? p.timezone : undefined);
      if (problem) ctx.addIssue({ code: 'custom', path: ['cron'], message: `not a usable cron expression: ${problem}` });
    }
  })
  .describe('Waits until a time, for a duration, or until the next cron occurrence; survives restarts');

export type ScheduleParams = z.output<typeof ScheduleParamsSchema>;

/** What a schedule node leaves in `nodes.<id>`. */
export interface ScheduleOutput {
  /** The time waited for (ISO). */
  target: string;
  /** When the wait ended (ISO). */
  firedAt: string;
  /** When the target was first computed (ISO) — before any restart. */
  scheduledAt: string;
  /** How long this process waited (less than the whole span after a restart). */
  waitedMs: number;
  /** True when the target came from the run record (the run was resumed mid-wait). */
  resumed: boolean;
  /** True when the target had already passed when this process looked. */
  late: boolean;
}

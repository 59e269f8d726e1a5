import { z } from 'zod';

/** At most this many leaf executions at once per process unless `executor.maxConcurrency` says otherwise (the mission's limit). */
export const MAX_CONCURRENCY = 10;

/** The `executor` section of `config/orch.json`, owned by this plugin. */
export const ExecutorSettingsSchema = z.strictObject({
  /** Leaf executions at once in one Orch process, over every run it executes; each parallel's `maxConcurrency` applies under it. */
  maxConcurrency: z.number().int().min(1).max(100).default(MAX_CONCURRENCY),
  /**
   * When a JSON-mode run's checkpoints reach the disk (docs/executor.md, "Crash safety"):
   * `interval` — written to the log file at each step (a crash of the process loses nothing) and
   * fsynced at most `checkpointSyncIntervalMs` later, so a power loss may cost the steps of that
   * interval (their nodes run again, with the same idempotency keys); `step` — each step's
   * checkpoint fsynced before the next step starts.
   */
  checkpointSync: z.enum(['interval', 'step']).default('interval'),
  checkpointSyncIntervalMs: z.number().int().min(1).max(10_000).default(100),
});
export type ExecutorSettings = z.output<typeof ExecutorSettingsSchema>;

/** Checkpoints kept per run (the user-visible retention; replays start from one of them). */
export const CHECKPOINTS_KEPT = 20;

/** How long a stopping process lets running nodes reach a checkpoint before aborting them. */
export const STOP_GRACE_MS = 10_000;

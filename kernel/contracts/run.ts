import { z } from 'zod';

export const RunStatusSchema = z.enum(['running', 'waiting_approval', 'needs_attention', 'blocked', 'completed', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const NodeStatusSchema = z.enum(['pending', 'running', 'succeeded', 'failed', 'retrying', 'waiting_approval', 'needs_attention', 'skipped', 'cancelled']);
export type NodeStatus = z.infer<typeof NodeStatusSchema>;

export const NodeRunStateSchema = z.object({
  status: NodeStatusSchema,
  attempts: z.number().int().nonnegative().default(0),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  durationMs: z.number().optional(),
  /** A short, redacted preview of the output. */
  outputSummary: z.string().optional(),
  error: z.string().optional(),
  /** Adapter scratch data that survives restarts (e.g. a timer's target time). */
  scratch: z.unknown().optional(),
});
export type NodeRunState = z.output<typeof NodeRunStateSchema>;

/** `state/runs/<runId>.json`: a run pins its plan version and records what happened to each node. */
export const RunRecordSchema = z.object({
  runId: z.string(),
  planId: z.string(),
  planVersion: z.number().int().positive(),
  status: RunStatusSchema,
  mode: z.enum(['json', 'memory']),
  operator: z.string(),
  inputs: z.record(z.string(), z.unknown()).default({}),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
  /** When forked by `run:replay`. */
  replayOf: z.object({ runId: z.string(), from: z.string() }).optional(),
  nodes: z.record(z.string(), NodeRunStateSchema).default({}),
});
export type RunRecord = z.output<typeof RunRecordSchema>;

export interface StartRunOptions {
  inputs?: Record<string, unknown>;
  memory?: boolean;
  operator: string;
  /** Resolve when the run ends or waits for a person (default), or right after it started. */
  wait?: boolean;
}

export interface ResumeOptions {
  operator: string;
  retryNode?: string;
  skipNode?: string;
  wait?: boolean;
}

/** The Executor as other plugins see it. */
export interface RunService {
  start(plan: { planId: string; version?: number } | { document: unknown }, options: StartRunOptions): Promise<RunRecord>;
  get(runId: string): Promise<RunRecord>;
  list(): Promise<RunRecord[]>;
  resume(runId: string, options: ResumeOptions): Promise<RunRecord>;
  cancel(runId: string, options: { operator: string }): Promise<RunRecord>;
  replay(runId: string, options: { from?: string; operator: string; wait?: boolean }): Promise<RunRecord>;
  history(runId: string): Promise<{ checkpointId: string; createdAt: string; step: number; next: string[]; nodes: string[] }[]>;
}
export const RunService = Symbol.for('orch.RunService');

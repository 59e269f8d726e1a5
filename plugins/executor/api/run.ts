import { z } from 'zod';

/**
 * Runs of plans, as the Executor (plugin `executor`) records them and other plugins, the server and
 * the GUI read them. `state/runs/<runId>.json` is the record; the LangGraph checkpoints under
 * `state/checkpoints/<runId>/` are the truth a run resumes from.
 */

export const RunStatusSchema = z.enum(['running', 'waiting_approval', 'needs_attention', 'blocked', 'completed', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** A run in one of these never changes again (replay forks a new run instead). */
export const FINISHED_RUN_STATUSES = ['completed', 'failed', 'cancelled'] as const;

export const NodeStatusSchema = z.enum(['pending', 'running', 'succeeded', 'failed', 'retrying', 'waiting_approval', 'needs_attention', 'skipped', 'cancelled']);
export type NodeStatus = z.infer<typeof NodeStatusSchema>;

export const NodeRunStateSchema = z.object({
  status: NodeStatusSchema,
  /** Node type (`local_task`, `mcp_tool`, …), for displays that do not load the plan. */
  type: z.string().optional(),
  /** Attempts made so far (1 for the first try), counted across `--retry-node` decisions. */
  attempts: z.number().int().nonnegative().default(0),
  /** `attempts` when an operator last chose `--retry-node`: the retry policy counts from there. */
  attemptsBeforeRetry: z.number().int().nonnegative().optional(),
  /** Position inside loops (`2` or `2.0` for nested loops); absent outside loops. */
  iteration: z.string().optional(),
  /** How many times the node ran to the end (more than 1 inside loops). */
  completions: z.number().int().nonnegative().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  durationMs: z.number().optional(),
  /** A short, redacted preview of the output. */
  outputSummary: z.string().optional(),
  error: z.string().optional(),
  /** Who approved, rejected, retried or skipped it. */
  decidedBy: z.string().optional(),
  /** Adapter scratch data that survives restarts (e.g. a timer's target time). */
  scratch: z.unknown().optional(),
});
export type NodeRunState = z.output<typeof NodeRunStateSchema>;

/** Why a run is paused, so a person knows what to do without reading the checkpoints. */
export const RunWaitSchema = z.object({
  approvals: z.array(z.object({ approvalId: z.string(), nodeId: z.string(), title: z.string() })).default([]),
  attention: z.array(z.object({ nodeId: z.string(), error: z.string() })).default([]),
});
export type RunWait = z.output<typeof RunWaitSchema>;

/** `state/runs/<runId>.json`: a run pins its plan version and records what happened to each node. */
export const RunRecordSchema = z.object({
  runId: z.string(),
  planId: z.string(),
  planVersion: z.number().int().positive(),
  /** The plan's name, for lists. */
  planName: z.string().optional(),
  /** How many leaf nodes the plan has (progress displays: `3/12 done`). */
  leafCount: z.number().int().nonnegative().optional(),
  status: RunStatusSchema,
  /** `json`: checkpoints in `state/checkpoints/<runId>/`; `memory`: LangGraph's MemorySaver, this process only. */
  mode: z.enum(['json', 'memory']),
  operator: z.string(),
  inputs: z.record(z.string(), z.unknown()).default({}),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
  /** When forked by `run:replay`. */
  replayOf: z.object({ runId: z.string(), from: z.string() }).optional(),
  /** The process executing the run right now; absent when no process holds it. */
  owner: z.object({ pid: z.number().int(), host: z.string(), role: z.string(), since: z.string() }).optional(),
  /** What the run waits for (`waiting_approval`, `needs_attention`). */
  waitingFor: RunWaitSchema.optional(),
  /** Things a person should know that did not stop the run (e.g. a corrupt checkpoint set aside). */
  warnings: z.array(z.string()).optional(),
  /** Leaf nodes by id. */
  nodes: z.record(z.string(), NodeRunStateSchema).default({}),
});
export type RunRecord = z.output<typeof RunRecordSchema>;

export interface StartRunOptions {
  inputs?: Record<string, unknown>;
  /** The inputs were typed as text (`--input n=3`): convert them to the plan's declared types. */
  inputsAsText?: boolean;
  memory?: boolean;
  operator: string;
  /** Resolve when the run ends or waits for a person (default), or right after it started. */
  wait?: boolean;
}

export interface ResumeOptions {
  operator: string;
  /** A node flagged `needs_attention`: try it again (with a fresh retry budget). */
  retryNode?: string;
  /** A node flagged `needs_attention` or waiting for approval: do not run it; its output is null. */
  skipNode?: string;
  wait?: boolean;
}

/** One checkpoint of a run, for `run:history` and `run:replay --from`. */
export interface RunCheckpointInfo {
  checkpointId: string;
  createdAt: string;
  step: number;
  /** Plan nodes about to run at this checkpoint. */
  next: string[];
  /** Plan nodes whose output the state holds at this checkpoint. */
  nodes: string[];
}

/** The Executor as other plugins see it. */
export interface RunService {
  start(plan: { planId: string; version?: number } | { document: unknown; source?: string }, options: StartRunOptions): Promise<RunRecord>;
  get(runId: string): Promise<RunRecord>;
  list(): Promise<RunRecord[]>;
  resume(runId: string, options: ResumeOptions): Promise<RunRecord>;
  cancel(runId: string, options: { operator: string }): Promise<RunRecord>;
  replay(runId: string, options: { from?: string; operator: string; wait?: boolean }): Promise<RunRecord>;
  history(runId: string): Promise<RunCheckpointInfo[]>;
}
export const RunService = Symbol.for('orch.RunService');

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

/** How one attempt of a node ended (`running` while it runs or waits for a person; `retrying`: failed, another attempt follows). */
export const AttemptOutcomeSchema = z.enum(['succeeded', 'failed', 'retrying', 'skipped', 'cancelled', 'running']);
export type AttemptOutcome = z.infer<typeof AttemptOutcomeSchema>;

/** One attempt of a node: every try, in every loop iteration, is kept (the newest `ATTEMPTS_KEPT`). */
export const AttemptRecordSchema = z.object({
  /** 1 for the first try of an iteration; counted across `--retry-node` decisions. */
  attempt: z.number().int().nonnegative(),
  /** Position inside loops (`2`, or `2.0` for nested loops); absent outside loops. */
  iteration: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  durationMs: z.number().optional(),
  outcome: AttemptOutcomeSchema,
  error: z.string().optional(),
});
export type AttemptRecord = z.output<typeof AttemptRecordSchema>;

/** Attempts kept per node in a run record; older ones are dropped (counted in `attemptsDropped`). */
export const ATTEMPTS_KEPT = 50;

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
  /** Every attempt, oldest first (the newest `ATTEMPTS_KEPT`); `attempts` above stays the count of this iteration. */
  attemptLog: z.array(AttemptRecordSchema).optional(),
  /** Attempts dropped from the front of `attemptLog` to keep it bounded. */
  attemptsDropped: z.number().int().nonnegative().optional(),
});
export type NodeRunState = z.output<typeof NodeRunStateSchema>;

/**
 * What a composite node did: the branch a conditional took, where a loop is. Kept apart from
 * `nodes` (leaves only) so leaf counts and progress stay as they were.
 */
export const CompositeRunStateSchema = z.object({
  type: z.enum(['conditional', 'loop']),
  /** Position inside enclosing loops when last entered (`2`, `2.0`); absent outside loops. */
  iteration: z.string().optional(),
  /**
   * Conditional: the branch taken, named by its place in the plan — `branches.<i>` (the `then` of
   * the i-th branch), `else`, or `none` (no branch matched and there is no `else`).
   */
  branch: z.string().optional(),
  /** Conditional: the plan node the chosen branch starts with (absent for `none`). */
  branchNodeId: z.string().optional(),
  /** Loop: the iteration running now or last run (from 0). */
  index: z.number().int().nonnegative().optional(),
  /** Loop: how many iterations a `forEach` has (its list's length); absent for `while` loops. */
  count: z.number().int().nonnegative().optional(),
  /** Loop: iterations started in its current (or last) pass. */
  iterations: z.number().int().nonnegative().optional(),
  /** Loop: true once the loop ended (until it is entered again). */
  done: z.boolean().optional(),
  updatedAt: z.string().optional(),
});
export type CompositeRunState = z.output<typeof CompositeRunStateSchema>;

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
  /** `json`: checkpoints in `state/checkpoints/<runId>/`; `memory`: checkpoints kept as objects in this process only. */
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
  /**
   * Leaf nodes ready to run but waiting for a concurrency slot right now — the process's cap
   * (`executor.maxConcurrency`, shared by every run) or their parallel's `maxConcurrency` — in the
   * order they asked; absent when none waits.
   */
  queued: z.array(z.string()).optional(),
  /** Leaf nodes by id. */
  nodes: z.record(z.string(), NodeRunStateSchema).default({}),
  /** Conditionals and loops by id, once entered. */
  composites: z.record(z.string(), CompositeRunStateSchema).optional(),
});
export type RunRecord = z.output<typeof RunRecordSchema>;

/** What a person may do with a run right now (`GET /api/runs/:runId/timeline`, `…/nodes/:nodeId`). */
export const RunActionSchema = z.enum(['cancel', 'resume', 'replay']);
export type RunAction = z.infer<typeof RunActionSchema>;
/** What a person may do with a node right now. */
export const NodeActionSchema = z.enum(['retry', 'skip', 'replay-from']);
export type NodeAction = z.infer<typeof NodeActionSchema>;

/** Leaf nodes of a run by status, for lists (`{ succeeded: 3, running: 1 }`; statuses with none left out). */
export const NodeCountsSchema = z.record(z.string(), z.number().int().nonnegative());

/** One run in `GET /api/runs`: what a list shows, without the per-node detail. */
export const RunListItemSchema = z.object({
  runId: z.string(),
  planId: z.string(),
  planVersion: z.number().int().positive(),
  planName: z.string().optional(),
  status: RunStatusSchema,
  mode: z.enum(['json', 'memory']),
  operator: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  leafCount: z.number().int().nonnegative().optional(),
  counts: NodeCountsSchema,
  error: z.string().optional(),
  replayOf: z.object({ runId: z.string(), from: z.string() }).optional(),
});
export type RunListItem = z.output<typeof RunListItemSchema>;

/** `GET /api/runs`: a page, newest first; `nextCursor` is passed as `before` for the next page (null on the last). */
export const RunListPageSchema = z.object({ runs: z.array(RunListItemSchema), nextCursor: z.string().nullable() });
export type RunListPage = z.output<typeof RunListPageSchema>;

/** One plan node in a run's timeline, in plan order (depth-first), with its parent from the plan tree. */
export const TimelineNodeSchema = z.object({
  nodeId: z.string(),
  type: z.string(),
  parentId: z.string().optional(),
  depth: z.number().int().nonnegative(),
  /** Leaves: the record's status (`pending` when never reached); composites: derived from their children. */
  status: NodeStatusSchema,
  title: z.string().optional(),
  /** Every attempt kept, oldest first (empty for composites and for leaves not reached). */
  attempts: z.array(AttemptRecordSchema),
  attemptsDropped: z.number().int().nonnegative().optional(),
  /** Conditional: the branch taken (`branches.<i>`, `else`, `none`) and the node it starts with. */
  branch: z.string().optional(),
  branchNodeId: z.string().optional(),
  /** Leaf: the loop position of its latest attempt; loop: the iteration running now or last run. */
  iteration: z.string().optional(),
  /** Loop: iterations started in its current (or last) pass; leaf inside loops: iterations it ran in (kept attempts). */
  iterations: z.number().int().nonnegative().optional(),
  /** Loop (`forEach`): iterations it has in all. */
  count: z.number().int().nonnegative().optional(),
  actions: z.array(NodeActionSchema),
});
export type TimelineNode = z.output<typeof TimelineNodeSchema>;

/** `GET /api/runs/:runId/timeline`: every attempt of every node, ready to draw. */
export const RunTimelineSchema = z.object({
  runId: z.string(),
  planId: z.string(),
  planVersion: z.number().int().positive(),
  status: RunStatusSchema,
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  actions: z.array(RunActionSchema),
  nodes: z.array(TimelineNodeSchema),
});
export type RunTimeline = z.output<typeof RunTimelineSchema>;

/** `GET /api/runs/:runId/nodes/:nodeId`: one node in full. */
export const RunNodeDetailSchema = z.object({
  node: z.object({
    nodeId: z.string(),
    type: z.string(),
    title: z.string().optional(),
    parentId: z.string().optional(),
    status: NodeStatusSchema,
    /** The node's parameters as the plan gives them (templates not rendered; secrets redacted). */
    params: z.unknown(),
    /** Its full output from the run's latest checkpoint (the record only keeps a preview); absent when there is none. */
    output: z.unknown().optional(),
    /** Where `output` came from: the checkpoint, or the record's preview when the checkpoints are gone (memory mode). */
    outputFrom: z.enum(['checkpoint', 'summary']).optional(),
    attempts: z.array(AttemptRecordSchema),
    attemptsDropped: z.number().int().nonnegative().optional(),
    iteration: z.string().optional(),
    error: z.string().optional(),
    decidedBy: z.string().optional(),
    /** When the node was handed to a person: the suggested remedy also written to the operations log. */
    remedy: z.object({ suggestion: z.string(), commands: z.array(z.string()), log: z.string() }).optional(),
    branch: z.string().optional(),
    branchNodeId: z.string().optional(),
    index: z.number().int().optional(),
    count: z.number().int().optional(),
    iterations: z.number().int().optional(),
    actions: z.array(NodeActionSchema),
  }),
  run: z.object({ runId: z.string(), status: RunStatusSchema, actions: z.array(RunActionSchema) }),
});
export type RunNodeDetail = z.output<typeof RunNodeDetailSchema>;

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
  /** Every run as lists show it (no per-node detail), cheap to call often: records are parsed again only when they changed. */
  listItems(): Promise<RunListItem[]>;
  resume(runId: string, options: ResumeOptions): Promise<RunRecord>;
  cancel(runId: string, options: { operator: string }): Promise<RunRecord>;
  replay(runId: string, options: { from?: string; operator: string; wait?: boolean }): Promise<RunRecord>;
  history(runId: string): Promise<RunCheckpointInfo[]>;
}
export const RunService = Symbol.for('orch.RunService');

import { z } from 'zod';
import { defineRoute } from '../../server/api/index.js';
import { RunActionSchema, RunListPageSchema, RunNodeDetailSchema, RunRecordSchema, RunTimelineSchema } from './run.js';

/** The most runs one page of `GET /api/runs` holds. */
export const RUN_PAGE_MAX = 500;
/** The most journal events `GET /api/runs/:runId/events` answers. */
export const JOURNAL_EVENTS_MAX = 5000;

const RunParams = z.strictObject({ runId: z.string().min(1) });
const NodeParams = z.strictObject({ runId: z.string().min(1), nodeId: z.string().min(1) });
const Instant = z
  .string()
  .refine((text) => Number.isFinite(Date.parse(text)), { message: 'expected an ISO date or date-time, e.g. 2026-11-30 or 2026-11-30T12:00:00Z' });

/** Query of `GET /api/runs`. */
export const RunListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().positive().max(RUN_PAGE_MAX).optional(),
  /** The `nextCursor` of the previous page: runs older than its last one. */
  before: z.string().min(1).optional(),
  /** One status or several, comma-separated. */
  status: z.string().optional(),
  planId: z.string().optional(),
  version: z.coerce.number().int().positive().optional(),
  operator: z.string().optional(),
  /** Runs created at or after this instant. */
  from: Instant.optional(),
  /** Runs created before this instant. */
  to: Instant.optional(),
});
export type RunListQuery = z.output<typeof RunListQuerySchema>;

/** Body of `POST /api/runs`: a stored plan (`planId`, optional `version`) or a plan document. */
export const StartRunBodySchema = z
  .strictObject({
    planId: z.string().min(1).optional(),
    version: z.number().int().positive().optional(),
    document: z.unknown().optional(),
    /** Where the document came from (a file name), for the plan's version history. */
    source: z.string().optional(),
    inputs: z.record(z.string(), z.unknown()).default({}),
    /** The inputs are text typed by a person (`--input n=3`): convert to the declared types. */
    inputsAsText: z.boolean().default(false),
    memory: z.boolean().default(false),
    /** Answer when the run ends or waits for a person instead of right after it started. */
    wait: z.boolean().default(false),
  })
  .refine((b) => (b.planId === undefined) !== (b.document === undefined), { message: 'give exactly one of "planId" or "document"', path: ['planId'] });

export const ResumeRunBodySchema = z.strictObject({
  retryNode: z.string().min(1).optional(),
  skipNode: z.string().min(1).optional(),
  wait: z.boolean().default(false),
});

export const ReplayRunBodySchema = z.strictObject({
  from: z.string().min(1).optional(),
  wait: z.boolean().default(false),
});

export const RunCheckpointInfoSchema = z.object({
  checkpointId: z.string(),
  createdAt: z.string(),
  step: z.number().int(),
  /** Plan nodes about to run at this checkpoint. */
  next: z.array(z.string()),
  /** Plan nodes whose output the state holds at this checkpoint. */
  nodes: z.array(z.string()),
});

const RunReply = z.object({ run: RunRecordSchema });

/** The Executor's REST contracts (under `/api/runs`): served by the executor, called by `run:*` and the GUI. */
export const RunsApi = {
  list: defineRoute({
    method: 'GET',
    path: '/runs',
    summary: `Runs, newest first, a page at a time: { runs: [light items with node counts], nextCursor } (limit ≤ ${RUN_PAGE_MAX}, default 100; before = the previous nextCursor; filters: status (comma-separated), planId, version, operator, from, to)`,
    query: RunListQuerySchema,
    response: RunListPageSchema,
  }),
  start: defineRoute({
    method: 'POST',
    path: '/runs',
    summary: 'Start a run of a stored plan (planId, version) or of a plan document; answers 201 with the run record',
    body: StartRunBodySchema,
    status: 201,
    response: RunReply,
  }),
  get: defineRoute({
    method: 'GET',
    path: '/runs/:runId',
    summary: 'One run record: status, per-node status, attempts, timings, what it waits for, and the actions it allows now',
    params: RunParams,
    response: z.object({ run: RunRecordSchema.extend({ actions: z.array(RunActionSchema) }) }),
  }),
  timeline: defineRoute({
    method: 'GET',
    path: '/runs/:runId/timeline',
    summary:
      'Every plan node in plan order with its parent and depth, every attempt of every leaf (each retry, each loop iteration), the branch each conditional took, where each loop is, and the actions the run and each node allow now',
    params: RunParams,
    response: RunTimelineSchema,
  }),
  node: defineRoute({
    method: 'GET',
    path: '/runs/:runId/nodes/:nodeId',
    summary:
      'One node of a run in full: its parameters from the plan, its whole output from the latest checkpoint, every attempt, the error and the operations-log remedy when it was handed to a person, the actions it allows now',
    params: NodeParams,
    response: RunNodeDetailSchema,
  }),
  events: defineRoute({
    method: 'GET',
    path: '/runs/:runId/events',
    summary: `The run's event journal (state/runs/<runId>/events.jsonl, JSON mode only): its newest events, oldest first (limit ≤ ${JOURNAL_EVENTS_MAX})`,
    params: RunParams,
    query: z.strictObject({ limit: z.coerce.number().int().positive().max(JOURNAL_EVENTS_MAX).optional() }),
    response: z.object({ runId: z.string(), events: z.array(z.record(z.string(), z.unknown())) }),
  }),
  resume: defineRoute({
    method: 'POST',
    path: '/runs/:runId/resume',
    summary: 'Resume a paused, blocked or interrupted run (retryNode / skipNode for a node that needs attention)',
    params: RunParams,
    body: ResumeRunBodySchema,
    response: RunReply,
  }),
  cancel: defineRoute({
    method: 'POST',
    path: '/runs/:runId/cancel',
    summary: 'Cancel a run (running nodes are aborted)',
    params: RunParams,
    response: RunReply,
  }),
  replay: defineRoute({
    method: 'POST',
    path: '/runs/:runId/replay',
    summary: 'Fork a new run from a checkpoint of this one (from: checkpoint id or node id; default the newest kept); 201',
    params: RunParams,
    body: ReplayRunBodySchema,
    status: 201,
    response: RunReply,
  }),
  history: defineRoute({
    method: 'GET',
    path: '/runs/:runId/history',
    summary: 'Checkpoints of a run, newest first (the newest 20 are kept)',
    params: RunParams,
    response: z.object({ runId: z.string(), checkpoints: z.array(RunCheckpointInfoSchema) }),
  }),
};

import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { reply, type HttpRoute, type HttpRoutes } from '../../../kernel/index.js';
import { RunService, type RunRecord } from '../api/index.js';

const RunParams = z.strictObject({ runId: z.string().min(1) });

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

const ListQuery = z.strictObject({
  status: z.string().optional(),
  planId: z.string().optional(),
  limit: z.coerce.number().int().positive().optional(),
});

/** The Executor over REST, under `/api/runs` (the server plugin mounts and validates). */
@injectable()
export class RunRoutes implements HttpRoutes {
  constructor(@inject(RunService) private readonly runs: RunService) {}

  routes(): HttpRoute[] {
    return [
      {
        method: 'GET',
        path: '/runs',
        summary: 'Runs, newest first (filters: status, planId, limit)',
        query: ListQuery,
        handle: async ({ query }) => ({ runs: filterRuns(await this.runs.list(), query) }),
      },
      {
        method: 'POST',
        path: '/runs',
        summary: 'Start a run of a stored plan (planId, version) or of a plan document; answers 201 with the run record',
        body: StartRunBodySchema,
        handle: async ({ body, operator }) => {
          const plan = body.planId !== undefined ? { planId: body.planId, version: body.version } : { document: body.document, source: body.source };
          const run = await this.runs.start(plan, { inputs: body.inputs, inputsAsText: body.inputsAsText, memory: body.memory, operator, wait: body.wait });
          return reply(201, { run });
        },
      },
      {
        method: 'GET',
        path: '/runs/:runId',
        summary: 'One run record: status, per-node status, attempts, timings, what it waits for',
        params: RunParams,
        handle: async ({ params }) => ({ run: await this.runs.get(params.runId) }),
      },
      {
        method: 'POST',
        path: '/runs/:runId/resume',
        summary: 'Resume a paused, blocked or interrupted run (retryNode / skipNode for a node that needs attention)',
        params: RunParams,
        body: ResumeRunBodySchema,
        handle: async ({ params, body, operator }) => ({
          run: await this.runs.resume(params.runId, { operator, retryNode: body.retryNode, skipNode: body.skipNode, wait: body.wait }),
        }),
      },
      {
        method: 'POST',
        path: '/runs/:runId/cancel',
        summary: 'Cancel a run (running nodes are aborted)',
        params: RunParams,
        handle: async ({ params, operator }) => ({ run: await this.runs.cancel(params.runId, { operator }) }),
      },
      {
        method: 'POST',
        path: '/runs/:runId/replay',
        summary: 'Fork a new run from a checkpoint of this one (from: checkpoint id or node id; default the oldest kept)',
        params: RunParams,
        body: ReplayRunBodySchema,
        handle: async ({ params, body, operator }) => reply(201, { run: await this.runs.replay(params.runId, { from: body.from, operator, wait: body.wait }) }),
      },
      {
        method: 'GET',
        path: '/runs/:runId/history',
        summary: 'Checkpoints of a run, newest first (the newest 20 are kept)',
        params: RunParams,
        handle: async ({ params }) => ({ runId: params.runId, checkpoints: await this.runs.history(params.runId) }),
      },
    ];
  }
}

export function filterRuns(runs: RunRecord[], filter: { status?: string; planId?: string; limit?: number }): RunRecord[] {
  const statuses = filter.status ? new Set(filter.status.split(',').map((s) => s.trim())) : undefined;
  const out = runs.filter((r) => (!statuses || statuses.has(r.status)) && (!filter.planId || r.planId === filter.planId));
  return filter.limit ? out.slice(0, filter.limit) : out;
}

import { hostname } from 'node:os';
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { OrchError, redactSecrets } from '../../../kernel/index.js';
import { reply, type HttpRoute, type HttpRoutes } from '../../server/api/index.js';
import { RunListPageSchema, RunNodeDetailSchema, RunTimelineSchema, type RunNodeDetail, type RunRecord, type RunTimeline } from '../api/index.js';
import { PlanStore, isCompositeNode } from '../../plans/api/index.js';
import { own } from '../graph/plan-compiler.js';
import { ExecutorRunService } from '../run/executor-run-service.js';
import { suggestRemedy } from '../run/operations-log.js';
import { readJournal, JOURNAL_LINES_KEPT } from '../run/run-journal.js';
import { nodeActions, runActions, type ActionContext } from './run-actions.js';
import { pageOfRuns, RunListQuerySchema } from './run-list-page.js';
import { buildTimeline, leafHistory, planParamsOf, planPositions } from './run-timeline.js';

const RunParams = z.strictObject({ runId: z.string().min(1) });
const NodeParams = z.strictObject({ runId: z.string().min(1), nodeId: z.string().min(1) });
const JournalQuery = z.strictObject({ limit: z.coerce.number().int().positive().max(JOURNAL_LINES_KEPT).optional() });

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

/** The Executor over REST, under `/api/runs` (the server plugin mounts and validates). */
@injectable()
export class RunRoutes implements HttpRoutes {
  constructor(
    @inject(ExecutorRunService) private readonly runs: ExecutorRunService,
    @inject(PlanStore) private readonly plans: PlanStore,
  ) {}

  routes(): HttpRoute[] {
    return [
      {
        method: 'GET',
        path: '/runs',
        summary:
          'Runs, newest first, a page at a time: { runs: [light items with node counts], nextCursor } (limit ≤ 500, default 100; before = the previous nextCursor; filters: status (comma-separated), planId, version, operator, from, to)',
        query: RunListQuerySchema,
        responses: { 200: RunListPageSchema },
        handle: async ({ query }) => pageOfRuns(await this.runs.listItems(), query),
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
        summary: 'One run record: status, per-node status, attempts, timings, what it waits for, and the actions it allows now',
        params: RunParams,
        handle: async ({ params }) => {
          const run = await this.runs.get(params.runId);
          return { run: { ...run, actions: runActions(run, this.context(run)) } };
        },
      },
      {
        method: 'GET',
        path: '/runs/:runId/timeline',
        summary: 'Every plan node in plan order with its parent and depth, every attempt of every leaf (each retry, each loop iteration), the branch each conditional took, where each loop is, and the actions the run and each node allow now',
        params: RunParams,
        responses: { 200: RunTimelineSchema },
        handle: async ({ params }) => this.timeline(params.runId),
      },
      {
        method: 'GET',
        path: '/runs/:runId/nodes/:nodeId',
        summary: "One node of a run in full: its parameters from the plan, its whole output from the latest checkpoint, every attempt, the error and the operations-log remedy when it was handed to a person, the actions it allows now",
        params: NodeParams,
        responses: { 200: RunNodeDetailSchema },
        handle: async ({ params }) => this.node(params.runId, params.nodeId),
      },
      {
        method: 'GET',
        path: '/runs/:runId/events',
        summary: "The run's event journal (state/runs/<runId>/events.jsonl, JSON mode only): its newest events, oldest first (limit ≤ 5000)",
        params: RunParams,
        query: JournalQuery,
        handle: async ({ params, query }) => {
          await this.runs.get(params.runId);
          return { runId: params.runId, events: await readJournal(this.runs.journalFileOf(params.runId), query.limit) };
        },
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

  private context(record: RunRecord, replayableNodes?: ReadonlySet<string>): ActionContext {
    return contextOf(record, replayableNodes);
  }

  /** Nodes a replay can start from: those right after one of the kept checkpoints. */
  private async replayableNodes(record: RunRecord): Promise<Set<string> | undefined> {
    if (!contextOf(record).replayable) return undefined;
    try {
      return new Set((await this.runs.history(record.runId)).flatMap((c) => c.next));
    } catch {
      return undefined;
    }
  }

  private async timeline(runId: string): Promise<RunTimeline> {
    const record = await this.runs.get(runId);
    const plan = await this.plans.get(record.planId, record.planVersion);
    return buildTimeline(plan, record, this.context(record, await this.replayableNodes(record)));
  }

  private async node(runId: string, nodeId: string): Promise<RunNodeDetail> {
    const record = await this.runs.get(runId);
    const plan = await this.plans.get(record.planId, record.planVersion);
    const position = planPositions(plan).find((p) => p.node.id === nodeId);
    if (!position) {
      throw new OrchError('not_found', `Plan ${plan.id} v${plan.version} of run ${runId} has no node "${nodeId}"`, { runId, nodeId });
    }
    const { node, parentId } = position;
    const context = this.context(record, await this.replayableNodes(record));
    const base = {
      nodeId,
      type: node.type,
      ...(typeof node.title === 'string' ? { title: node.title } : {}),
      ...(parentId !== undefined ? { parentId } : {}),
      params: planParamsOf(node),
      actions: nodeActions(record, nodeId, context),
    };
    const run = { runId, status: record.status, actions: runActions(record, context) };
    if (isCompositeNode(node)) {
      const composite = own(record.composites ?? {}, nodeId);
      const timeline = buildTimeline(plan, record, context).nodes.find((n) => n.nodeId === nodeId)!;
      return {
        node: {
          ...base,
          status: timeline.status,
          attempts: [],
          ...(composite?.branch !== undefined ? { branch: composite.branch } : {}),
          ...(composite?.branchNodeId !== undefined ? { branchNodeId: composite.branchNodeId } : {}),
          ...(composite?.index !== undefined ? { index: composite.index } : {}),
          ...(composite?.count !== undefined ? { count: composite.count } : {}),
          ...(composite?.iterations !== undefined ? { iterations: composite.iterations } : {}),
        },
        run,
      };
    }
    const state = own(record.nodes, nodeId);
    const outputs = await this.runs.latestOutputs(runId).catch(() => undefined);
    const output =
      outputs && Object.hasOwn(outputs, nodeId)
        ? { output: redactSecrets(outputs[nodeId]), outputFrom: 'checkpoint' as const }
        : state?.outputSummary !== undefined
          ? { output: state.outputSummary, outputFrom: 'summary' as const }
          : {};
    const { attempts, attemptsDropped, iteration } = leafHistory(state);
    const flagged = state?.status === 'needs_attention' && state.error !== undefined;
    return {
      node: {
        ...base,
        status: state?.status ?? 'pending',
        ...output,
        attempts,
        ...(attemptsDropped !== undefined ? { attemptsDropped } : {}),
        ...(iteration !== undefined ? { iteration } : {}),
        ...(state?.error !== undefined ? { error: state.error } : {}),
        ...(state?.decidedBy !== undefined ? { decidedBy: state.decidedBy } : {}),
        ...(flagged
          ? {
              remedy: {
                suggestion: suggestRemedy(state.error!),
                commands: [`orch run:resume ${runId} --retry-node ${nodeId}`, `orch run:resume ${runId} --skip-node ${nodeId}`, `orch run:cancel ${runId}`],
                log: this.runs.operationsLog.file,
              },
            }
          : {}),
      },
      run,
    };
  }
}

/** How the route sees a run beyond its record (who executes it, whether it can be replayed). */
function contextOf(record: RunRecord, replayableNodes?: ReadonlySet<string>): ActionContext {
  const executingHere = record.status === 'running' && record.owner?.pid === process.pid && record.owner.host === hostname();
  return { executingHere, replayable: record.mode === 'json' || executingHere, ...(replayableNodes ? { replayableNodes } : {}) };
}

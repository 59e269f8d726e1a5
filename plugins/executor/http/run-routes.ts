import { hostname } from 'node:os';
import { inject, injectable } from 'inversify';
import { OrchError, redactSecrets } from '../../../kernel/index.js';
import { serveRoute, type HttpRoute, type HttpRoutes } from '../../server/api/index.js';
import { RunsApi, type RunNodeDetail, type RunRecord, type RunTimeline } from '../api/index.js';
import { PlanStore, isCompositeNode } from '../../plans/api/index.js';
import { own } from '../graph/own.js';
import { ExecutorRunService } from '../run/executor-run-service.js';
import { suggestRemedy } from '../run/operations-log.js';
import { readJournal } from '../run/run-journal.js';
import { nodeActions, runActions, type ActionContext } from './run-actions.js';
import { pageOfRuns } from './run-list-page.js';
import { buildTimeline, leafHistory, planParamsOf, planPositions } from './run-timeline.js';

/** The Executor over REST, under `/api/runs` (the server plugin mounts and validates). */
@injectable()
export class RunRoutes implements HttpRoutes {
  constructor(
    @inject(ExecutorRunService) private readonly runs: ExecutorRunService,
    @inject(PlanStore) private readonly plans: PlanStore,
  ) {}

  routes(): HttpRoute[] {
    return [
      serveRoute(RunsApi.list, async ({ query }) => pageOfRuns(await this.runs.listItems(), query)),
      serveRoute(RunsApi.start, async ({ body, operator }) => {
        const plan = body.planId !== undefined ? { planId: body.planId, version: body.version } : { document: body.document, source: body.source };
        return { run: await this.runs.start(plan, { inputs: body.inputs, inputsAsText: body.inputsAsText, memory: body.memory, operator, wait: body.wait }) };
      }),
      serveRoute(RunsApi.get, async ({ params }) => {
        const run = await this.runs.get(params.runId);
        return { run: { ...run, actions: runActions(run, this.context(run)) } };
      }),
      serveRoute(RunsApi.timeline, async ({ params }) => this.timeline(params.runId)),
      serveRoute(RunsApi.node, async ({ params }) => this.node(params.runId, params.nodeId)),
      serveRoute(RunsApi.events, async ({ params, query }) => {
        await this.runs.get(params.runId);
        return { runId: params.runId, events: (await readJournal(this.runs.journalFileOf(params.runId), query.limit)) as Record<string, unknown>[] };
      }),
      serveRoute(RunsApi.resume, async ({ params, body, operator }) => ({
        run: await this.runs.resume(params.runId, { operator, retryNode: body.retryNode, skipNode: body.skipNode, wait: body.wait }),
      })),
      serveRoute(RunsApi.cancel, async ({ params, operator }) => ({ run: await this.runs.cancel(params.runId, { operator }) })),
      serveRoute(RunsApi.replay, async ({ params, body, operator }) => ({ run: await this.runs.replay(params.runId, { from: body.from, operator, wait: body.wait }) })),
      serveRoute(RunsApi.history, async ({ params }) => ({ runId: params.runId, checkpoints: await this.runs.history(params.runId) })),
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

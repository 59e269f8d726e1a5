import { inject, injectable, optional } from 'inversify';
import { EventBus, ProcessContext, type CommandIO } from '../../../kernel/index.js';
import { RUN_PAGE_MAX, RunsApi, RunService, type RunCheckpointInfo, type RunListItem, type RunListPage, type RunRecord } from '../api/index.js';
import { serverOrLocal, ServerLink, subscribeToEvents, type AccessVia, type ApiClient } from '../../server/api/index.js';
import { pageOfRuns } from '../http/run-list-page.js';

export type PlanRef = { planId: string; version?: number } | { document: unknown; source: string };

/** What a command sees of the runs: through the live server, or this process's own executor. */
export interface RunsView {
  /** Starts a run and follows it until it ends or waits for a person. */
  start(plan: PlanRef, options: { inputs: Record<string, string>; memory: boolean }, onProgress: (r: RunRecord) => void): Promise<RunRecord>;
  resume(runId: string, options: { retryNode?: string; skipNode?: string }, onProgress: (r: RunRecord) => void): Promise<RunRecord>;
  replay(runId: string, options: { from?: string }, onProgress: (r: RunRecord) => void): Promise<RunRecord>;
  get(runId: string): Promise<RunRecord>;
  /** Runs, newest first, as lists show them (light items); every one that matches unless `limit`. */
  list(filter: { status?: string; planId?: string; limit?: number }): Promise<RunListItem[]>;
  cancel(runId: string): Promise<RunRecord>;
  history(runId: string): Promise<RunCheckpointInfo[]>;
}

/** How often a command following a run on the server asks for its record when no event stream is open. */
const POLL_MS = 250;
/** With the event stream open, the record is still fetched this often in case an event was missed. */
const SAFETY_RECHECK_MS = 2000;

/** Waits until `arm`'s resolver is called or `ms` pass, leaving no timer behind. */
function wakeOrTimeout(arm: (resolve: () => void) => void, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    arm(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Picks how a `run:*` command works and says so on stderr: through a running Orch server (which
 * then executes the run, and resumes it by itself after approvals) when `state/server.json` names
 * one that answers, else in this process on the JSON files.
 */
@injectable()
export class RunAccess {
  constructor(
    @inject(RunService) private readonly runs: RunService,
    @inject(EventBus) private readonly bus: EventBus,
    @inject(ProcessContext) private readonly process: ProcessContext,
    @inject(ServerLink) @optional() private readonly link: ServerLink | undefined,
  ) {}

  async open(io: CommandIO, options: { memory?: boolean } = {}): Promise<RunsView & { readonly via: AccessVia }> {
    // A memory-mode run is for debugging in this terminal: it never goes to the server.
    if (options.memory) {
      io.notice('(memory mode — running in this process, checkpoints in memory only)');
      return Object.assign(this.directView(), { via: 'direct' as const });
    }
    return serverOrLocal(io, this.link, { remote: remoteView, local: () => this.directView(), localNotice: 'working on the files directly', localVia: 'direct' });
  }

  private directView(): RunsView {
    const { runs, bus } = this;
    const operator = this.process.operator;
    /** Feeds `onProgress` the record of the run this process executes, on every event about it. */
    const follow = <T>(onProgress: (r: RunRecord) => void, work: (watch: (runId: string) => void) => Promise<T>): Promise<T> => {
      const watched = new Set<string>();
      const unsubscribe = bus.subscribe((event) => {
        const runId = 'runId' in event ? event.runId : undefined;
        if (!runId) return;
        if (event.type === 'run.started') watched.add(runId);
        if (watched.has(runId) && (event.type.startsWith('node.') || event.type.startsWith('run.'))) void runs.get(runId).then(onProgress, () => undefined);
      });
      return work((runId) => watched.add(runId)).finally(unsubscribe);
    };
    return {
      start: (plan, options, onProgress) =>
        follow(onProgress, () => runs.start(plan, { operator, inputs: options.inputs, inputsAsText: true, memory: options.memory, wait: true })),
      resume: (runId, options, onProgress) =>
        follow(onProgress, (watch) => {
          watch(runId);
          return runs.resume(runId, { operator, ...options, wait: true });
        }),
      replay: (runId, options, onProgress) => follow(onProgress, () => runs.replay(runId, { operator, from: options.from, wait: true })),
      get: (runId) => runs.get(runId),
      list: async (filter) => pageOfRuns(await runs.listItems(), filter, Number.POSITIVE_INFINITY).runs,
      cancel: (runId) => runs.cancel(runId, { operator }),
      history: (runId) => runs.history(runId),
    };
  }
}

function remoteView(client: ApiClient): RunsView {
  const get = async (runId: string) => (await client.call(RunsApi.get, { params: { runId } })).run;
  /**
   * Starts or resumes a run on the server and follows it until it stops running: the record is
   * fetched again whenever the event stream says something happened to the run (subscribed before
   * the request, so nothing falls between), with a slow re-check as a safety net — or by polling
   * when the stream cannot be opened.
   */
  const followUntilSettled = async (begin: () => Promise<RunRecord>, onProgress: (r: RunRecord) => void): Promise<RunRecord> => {
    let runId: string | undefined;
    let changed = false;
    let wake: (() => void) | undefined;
    const location = await client.link.locate();
    const subscription = location
      ? await subscribeToEvents(location, ['run', 'node'], (event) => {
          if ('runId' in event && event.runId === runId) {
            changed = true;
            wake?.();
          }
        }).catch(() => undefined)
      : undefined;
    const streaming = subscription ? await subscription.ready.then(() => true, () => false) : false;
    try {
      let current = await begin();
      runId = current.runId;
      onProgress(current);
      while (current.status === 'running') {
        if (!changed) await wakeOrTimeout((resolve) => (wake = resolve), streaming ? SAFETY_RECHECK_MS : POLL_MS);
        changed = false;
        current = await get(current.runId);
        onProgress(current);
      }
      return current;
    } finally {
      subscription?.close();
    }
  };
  return {
    start(plan, options, onProgress) {
      const body = { ...plan, inputs: options.inputs, inputsAsText: true, memory: options.memory, wait: false };
      return followUntilSettled(async () => (await client.call(RunsApi.start, { body })).run, onProgress);
    },
    resume(runId, options, onProgress) {
      return followUntilSettled(async () => (await client.call(RunsApi.resume, { params: { runId }, body: { ...options, wait: false } })).run, onProgress);
    },
    replay(runId, options, onProgress) {
      return followUntilSettled(async () => (await client.call(RunsApi.replay, { params: { runId }, body: { from: options.from, wait: false } })).run, onProgress);
    },
    get,
    async list(filter) {
      // The server answers a page at a time: follow the cursors until the limit or the last page.
      const runs: RunListItem[] = [];
      let before: string | undefined;
      do {
        const limit = filter.limit === undefined ? RUN_PAGE_MAX : Math.min(RUN_PAGE_MAX, filter.limit - runs.length);
        const page: RunListPage = await client.call(RunsApi.list, { query: { limit, status: filter.status, planId: filter.planId, before } });
        runs.push(...page.runs);
        before = page.nextCursor ?? undefined;
      } while (before && (filter.limit === undefined || runs.length < filter.limit));
      return runs;
    },
    cancel: async (runId) => (await client.call(RunsApi.cancel, { params: { runId } })).run,
    history: async (runId) => (await client.call(RunsApi.history, { params: { runId } })).checkpoints,
  };
}

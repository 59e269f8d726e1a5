import { inject, injectable, optional } from 'inversify';
import { EventBus, ProcessContext, type CommandIO } from '../../../kernel/index.js';
import { RunService, type RunCheckpointInfo, type RunListItem, type RunListPage, type RunRecord } from '../api/index.js';
import { ServerLink, subscribeToEvents } from '../../server/api/index.js';
import { pageOfRuns, RUN_PAGE_MAX } from '../http/run-list-page.js';
import { dim } from './run-text.js';

export type PlanRef = { planId: string; version?: number } | { document: unknown; source: string };

/** What a command sees of the runs: through the live server, or this process's own executor. */
export interface RunsView {
  readonly via: 'server' | 'direct';
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

  async open(io: CommandIO, options: { memory?: boolean } = {}): Promise<RunsView> {
    // A memory-mode run is for debugging in this terminal: it never goes to the server.
    const location = options.memory ? undefined : await this.link?.locate();
    if (location && this.link) {
      notice(io, `(through the Orch server at ${location.baseUrl}, pid ${location.pid})`);
      return remoteView(this.link);
    }
    notice(io, options.memory ? '(memory mode — running in this process, checkpoints in memory only)' : '(no Orch server running — working on the files directly)');
    return this.directView();
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
      via: 'direct',
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

function remoteView(link: ServerLink): RunsView {
  const enc = encodeURIComponent;
  const get = async (runId: string) => (await link.request<{ run: RunRecord }>('GET', `/runs/${enc(runId)}`)).run;
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
    const location = await link.locate();
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
    via: 'server',
    start(plan, options, onProgress) {
      const body = { ...plan, inputs: options.inputs, inputsAsText: true, memory: options.memory, wait: false };
      return followUntilSettled(async () => (await link.request<{ run: RunRecord }>('POST', '/runs', body)).run, onProgress);
    },
    resume(runId, options, onProgress) {
      return followUntilSettled(async () => (await link.request<{ run: RunRecord }>('POST', `/runs/${enc(runId)}/resume`, { ...options, wait: false })).run, onProgress);
    },
    replay(runId, options, onProgress) {
      return followUntilSettled(async () => (await link.request<{ run: RunRecord }>('POST', `/runs/${enc(runId)}/replay`, { from: options.from, wait: false })).run, onProgress);
    },
    get,
    async list(filter) {
      // The server answers a page at a time: follow the cursors until the limit or the last page.
      const runs: RunListItem[] = [];
      let before: string | null = null;
      do {
        const wanted = filter.limit === undefined ? RUN_PAGE_MAX : Math.min(RUN_PAGE_MAX, filter.limit - runs.length);
        const query = new URLSearchParams({ limit: String(wanted) });
        if (filter.status) query.set('status', filter.status);
        if (filter.planId) query.set('planId', filter.planId);
        if (before) query.set('before', before);
        const page: RunListPage = await link.request<RunListPage>('GET', `/runs?${query}`);
        runs.push(...page.runs);
        before = page.nextCursor;
      } while (before && (filter.limit === undefined || runs.length < filter.limit));
      return runs;
    },
    cancel: async (runId) => (await link.request<{ run: RunRecord }>('POST', `/runs/${enc(runId)}/cancel`)).run,
    history: async (runId) => (await link.request<{ checkpoints: RunCheckpointInfo[] }>('GET', `/runs/${enc(runId)}/history`)).checkpoints,
  };
}

/** A dim line on stderr saying where the answer comes from (stdout stays clean for --json). */
function notice(io: CommandIO, text: string): void {
  if (io.json) return;
  io.err(process.stderr.isTTY ? dim(text) : text);
}

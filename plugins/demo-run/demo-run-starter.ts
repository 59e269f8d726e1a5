import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inject, injectable } from 'inversify';
import { describeError, Logger, Paths, ProcessContext, type StartupBanner } from '../../kernel/index.js';
import { RunService, type RunListItem, type RunStatus } from '../executor/api/index.js';
import { ServerLink } from '../server/api/index.js';
import { demoRunHint } from './demo-run-hint.js';

/** The plan of the tour, shipped with Orch; its id names the demo run's plan. */
export const DEMO_PLAN_FILE = join('examples', 'plans', 'demo-tour.json');
export const DEMO_PLAN_ID = 'demo-tour';
/** Set by `npm start` (package.json), and by nothing else: the demo run is the main job's alone. */
export const DEMO_RUN_FLAG = 'ORCH_DEMO_RUN';
/** The service of config/services.json the tour's external service step calls: Orch's own API. */
const OWN_API_SERVICE = 'orch-api';
/** How long the banner waits for a new tour to reach its approval before printing anyway. */
const WAIT_FOR_APPROVAL_MS = 60_000;

/**
 * Starts the tour of every node type once per home, and says where to approve it.
 *
 * It is a `StartupBanner` on purpose: banners are asked once every plugin has started — the server
 * listens, the MCP bridge and the model providers are up — which is the moment the tour can run. A
 * home that has any run of the tour (waiting, completed or otherwise) never gets a second one, so
 * restarts only repeat the hint. Without the flag (`orch start` under systemd, PM2, tests) it does
 * nothing at all, so a production home never gets a demo run by surprise.
 */
@injectable()
export class DemoRunStarter implements StartupBanner {
  constructor(
    @inject(RunService) private readonly runs: RunService,
    @inject(ServerLink) private readonly link: ServerLink,
    @inject(Paths) private readonly paths: Paths,
    @inject(ProcessContext) private readonly context: ProcessContext,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  async lines(): Promise<string[]> {
    if (this.context.role !== 'server' || process.env[DEMO_RUN_FLAG] !== '1') return [];
    const serving = await this.link.locate();
    if (!serving) return [];
    try {
      const existing = await this.newestDemoRun();
      if (existing) return demoRunHint(existing.runId, existing.status, serving.baseUrl);
      const misdirected = await this.ownApiServiceElsewhere(`${serving.baseUrl}/api`);
      if (misdirected) return [misdirected];
      const runId = await this.startTour(`${serving.baseUrl}/api`);
      return demoRunHint(runId, await this.statusOnceSettled(runId), serving.baseUrl);
    } catch (error) {
      this.logger.warn(`The demo run was not started: ${describeError(error)}`, { category: 'demo-run' });
      return [`The demo run could not be started (${describeError(error)}); try: orch run:auto ${DEMO_PLAN_FILE}`];
    }
  }

  private async newestDemoRun(): Promise<RunListItem | undefined> {
    const tours = (await this.runs.listItems()).filter((run) => run.planId === DEMO_PLAN_ID);
    return tours.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  }

  /**
   * The tour's external service step calls `orch-api` of config/services.json, which names port 7420.
   * On a server moved to another port that step would fail after its retries and the tour would
   * never complete with one click — so it is not started, and the banner says what to change.
   */
  private async ownApiServiceElsewhere(api: string): Promise<string | undefined> {
    const listed = await this.link
      .request<{ services: { name: string; baseUrl: string }[] }>('GET', '/services', undefined, { timeoutMs: 5_000 })
      .catch(() => undefined); // no services route: the run's own check names what is missing
    const ownApi = listed?.services.find((service) => service.name === OWN_API_SERVICE);
    if (!ownApi || ownApi.baseUrl.replace(/\/+$/, '') === api) return undefined;
    return `The demo run was not started: the "${OWN_API_SERVICE}" service of config/services.json names ${ownApi.baseUrl}, but this server's API is ${api}. Change it there and start again.`;
  }

  private async startTour(api: string): Promise<string> {
    const source = join(this.paths.projectRoot, DEMO_PLAN_FILE);
    const document: unknown = JSON.parse(await readFile(source, 'utf8'));
    // The HTTP step calls this very server, wherever it listens.
    const run = await this.runs.start({ document, source }, { operator: this.context.operator, inputs: { api }, wait: false });
    this.logger.info(`Started the demo run ${run.runId} (${DEMO_PLAN_FILE}); it waits at one approval`, { category: 'demo-run', runId: run.runId });
    return run.runId;
  }

  /** The run's status once it waits for a person or ends (bounded: a slow first MCP connection only delays the hint). */
  private async statusOnceSettled(runId: string): Promise<RunStatus | 'starting'> {
    const deadline = Date.now() + WAIT_FOR_APPROVAL_MS;
    for (;;) {
      const status = await this.runs.get(runId).then(
        (run) => run.status,
        () => 'starting' as const,
      );
      if ((status !== 'running' && status !== 'starting') || Date.now() > deadline || this.context.shutdownSignal.aborted) return status;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

import { CliCommand, definePlugin, EventBus, EventContribution, StatusSection } from '../../kernel/index.js';
import { HttpRoutes } from '../server/api/index.js';
import { RunEvents, RunService } from './api/index.js';
import { RunStatusSection } from './http/run-status-section.js';
import { RunAccess } from './commands/run-access.js';
import { RUN_COMMANDS } from './commands/run-commands.js';
import { RunRoutes } from './http/run-routes.js';
import { ExecutorRunService } from './run/executor-run-service.js';

/**
 * The Executor: plans compiled to one LangGraph graph each, JSON checkpoints, retries that hand a
 * failing node to a person, approvals through interrupts, crash-safe resume and replay. Binds
 * `RunService`, the `/api/runs` routes and the `run:*` commands. In the long-running process it
 * also recovers runs left running by a dead process and resumes runs when approvals are decided.
 */
let unsubscribe: (() => void) | undefined;

export default definePlugin({
  bindings({ bind }) {
    bind(ExecutorRunService).toSelf();
    bind(RunService).toService(ExecutorRunService);
    bind(EventContribution).toConstantValue({ events: RunEvents });
    bind(RunStatusSection).toSelf();
    bind(StatusSection).toService(RunStatusSection);
    bind(RunRoutes).toSelf();
    bind(HttpRoutes).toService(RunRoutes);
    bind(RunAccess).toSelf();
    for (const command of RUN_COMMANDS) {
      bind(command).toSelf();
      bind(CliCommand).toService(command);
    }
  },

  async start({ process, services }) {
    if (process.role !== 'server') return;
    const runs = services.get<ExecutorRunService>(ExecutorRunService);
    unsubscribe = services.get<EventBus>(EventBus).on('approval.resolved', (event) => runs.onApprovalResolved(event.runId));
    await runs.recover();
  },

  async stop({ services }) {
    unsubscribe?.();
    unsubscribe = undefined;
    await services.get<ExecutorRunService>(ExecutorRunService).stopAll();
  },
});

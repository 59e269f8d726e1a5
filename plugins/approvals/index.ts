import { CliCommand, definePlugin, describeError, EventContribution, StatusSection } from '../../kernel/index.js';
import { HttpRoutes } from '../server/api/index.js';
import { ApprovalEvents, ApprovalStore } from './api/index.js';
import { ApprovalStatusSection } from './approval-status-section.js';
import { NodeAdapter } from '../plans/api/index.js';
import { ApprovalAnnouncer } from './approval-announcer.js';
import { ApprovalAudit } from './approval-audit.js';
import { ApprovalFiles } from './approval-files.js';
import { ApprovalRoutes } from './approval-routes.js';
import { ApprovalWatcher } from './approval-watcher.js';
import { ApprovalAccess } from './commands/approval-access.js';
import { ApprovalsApproveCommand, ApprovalsRejectCommand } from './commands/approvals-decide-command.js';
import { ApprovalsListCommand } from './commands/approvals-list-command.js';
import { ApprovalsShowCommand } from './commands/approvals-show-command.js';
import { FileApprovalStore } from './file-approval-store.js';
import { HumanApprovalAdapter } from './human-approval-adapter.js';

/**
 * The approvals plugin: the `ApprovalStore` on `state/approvals/`, the `human_approval` node
 * adapter, REST routes and the `approvals:*` commands. In the server role it watches the files
 * (decisions taken by other processes, expiry); in a CLI command it settles expired requests
 * first, so what the command shows and the run it resumes follow the stored expiry.
 */
export default definePlugin({
  bindings({ bind }) {
    bind(ApprovalFiles).toSelf();
    bind(ApprovalAnnouncer).toSelf();
    bind(ApprovalAudit).toSelf();
    bind(FileApprovalStore).toSelf();
    bind(ApprovalStore).toService(FileApprovalStore);
    bind(EventContribution).toConstantValue({ events: ApprovalEvents });
    bind(ApprovalStatusSection).toSelf();
    bind(StatusSection).toService(ApprovalStatusSection);
    bind(ApprovalWatcher).toSelf();

    bind(HumanApprovalAdapter).toSelf();
    bind(NodeAdapter).toService(HumanApprovalAdapter);

    bind(ApprovalRoutes).toSelf();
    bind(HttpRoutes).toService(ApprovalRoutes);

    bind(ApprovalAccess).toSelf();
    bind(ApprovalsListCommand).toSelf();
    bind(CliCommand).toService(ApprovalsListCommand);
    bind(ApprovalsShowCommand).toSelf();
    bind(CliCommand).toService(ApprovalsShowCommand);
    bind(ApprovalsApproveCommand).toSelf();
    bind(CliCommand).toService(ApprovalsApproveCommand);
    bind(ApprovalsRejectCommand).toSelf();
    bind(CliCommand).toService(ApprovalsRejectCommand);
  },

  async start({ process, services, logger }) {
    if (process.role === 'server') {
      await services.get<ApprovalWatcher>(ApprovalWatcher).start();
      return;
    }
    if (process.role === 'cli') {
      // A malformed file is reported by the command that reads it, with file and field; here it
      // must not make the whole plugin unavailable.
      await services
        .get<FileApprovalStore>(FileApprovalStore)
        .expireDue()
        .catch((error: unknown) => logger.warn(`Could not settle expired approvals: ${describeError(error)}`));
    }
  },

  async stop({ process, services }) {
    if (process.role === 'server') await services.get<ApprovalWatcher>(ApprovalWatcher).stop();
  },
});

import { CliCommand, definePlugin, EventContribution } from '../../kernel/index.js';
import { HttpRoutes } from '../server/api/index.js';
import { NodeAdapterRegistry, PlanEvents, PlanSaver, PlanStore, PlanValidator } from './api/index.js';
import { CheckedPlanSaver } from './checked-plan-saver.js';
import { ExamplePlansSeeder } from './example-plans-seeder.js';
import { PlanAccess } from './commands/plan-access.js';
import { PlanDesignCommand } from './commands/plan-design-command.js';
import { PlanDiffCommand } from './commands/plan-diff-command.js';
import { PlanDryRunCommand } from './commands/plan-dry-run-command.js';
import { PlanListCommand } from './commands/plan-list-command.js';
import { PlanNodeTypesCommand } from './commands/plan-node-types-command.js';
import { PlanReplanCommand } from './commands/plan-replan-command.js';
import { PlanRollbackCommand } from './commands/plan-rollback-command.js';
import { PlanSaveCommand } from './commands/plan-save-command.js';
import { PlanSchemaCommand } from './commands/plan-schema-command.js';
import { PlanShowCommand } from './commands/plan-show-command.js';
import { PlanVersionsCommand } from './commands/plan-versions-command.js';
import { DesignCatalogReader } from './design/design-catalog.js';
import { PlanDesigner } from './design/plan-designer.js';
import { AdapterRegistry } from './node-adapter-registry.js';
import { NodeTypeCatalog } from './node-type-catalog.js';
import { PlanRoutes } from './plan-routes.js';
import { FilePlanStore } from './store/file-plan-store.js';
import { DryRunValidator } from './validation/dry-run-validator.js';

type Newable<T> = new (...args: any[]) => T;

const COMMANDS = [
  PlanSchemaCommand,
  PlanNodeTypesCommand,
  PlanSaveCommand,
  PlanListCommand,
  PlanVersionsCommand,
  PlanShowCommand,
  PlanRollbackCommand,
  PlanDiffCommand,
  PlanDryRunCommand,
  PlanDesignCommand,
  PlanReplanCommand,
];

/**
 * Plans: the versioned store (`state/plans/`), the dry run, the `plan:*` commands and the plan
 * REST routes. Every operation reads and writes the files when asked; the long-running process also
 * stores the example plans into an empty store when `config/plans.json` asks for it.
 */
export default definePlugin({
  bindings({ bind }) {
    bind(FilePlanStore).toSelf();
    bind(PlanStore).toService(FilePlanStore);
    bind(EventContribution).toConstantValue({ events: PlanEvents });
    bind(AdapterRegistry).toSelf();
    bind(NodeAdapterRegistry).toService(AdapterRegistry);
    bind(DryRunValidator).toSelf();
    bind(PlanValidator).toService(DryRunValidator);
    bind(NodeTypeCatalog).toSelf();
    bind(CheckedPlanSaver).toSelf();
    bind(PlanSaver).toService(CheckedPlanSaver);
    bind(PlanAccess).toSelf();
    bind(DesignCatalogReader).toSelf();
    bind(PlanDesigner).toSelf();
    bind(ExamplePlansSeeder).toSelf();

    bind(PlanRoutes).toSelf();
    bind(HttpRoutes).toService(PlanRoutes);

    for (const command of COMMANDS) {
      const id = command as Newable<CliCommand>;
      bind(id).toSelf();
      bind(CliCommand).toService(id);
    }
  },
  configure({ services }) {
    // Built once every plugin has bound its adapters: a duplicate node type is refused here, at boot.
    services.get<NodeAdapterRegistry>(NodeAdapterRegistry);
  },
  async start({ services, process }) {
    if (process.role === 'server') await services.get<ExamplePlansSeeder>(ExamplePlansSeeder).seedIfEmpty();
  },
});

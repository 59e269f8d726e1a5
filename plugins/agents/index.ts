import { CliCommand, definePlugin, EventContribution, StatusSection } from '../../kernel/index.js';
import { HttpRoutes } from '../server/api/index.js';
import { AgentEvents, AgentRegistry, ModelGateway } from './api/index.js';
import { NodeAdapter } from '../plans/api/index.js';
import { AgentBuilder } from './agent-builder.js';
import { AgentConfigChecker } from './agent-config-checker.js';
import { AgentInvocationAdapter } from './agent-invocation-adapter.js';
import { AgentInvoker } from './agent-invoker.js';
import { AgentRoutes } from './agent-routes.js';
import { AgentsFolderWatcher } from './agents-folder-watcher.js';
import { flushTraces } from './agents-sdk.js';
import { AgentsAccess } from './commands/agents-access.js';
import { AgentsGenerateCommand } from './commands/agents-generate-command.js';
import { AgentsListCommand } from './commands/agents-list-command.js';
import { AgentsRegisterCommand } from './commands/agents-register-command.js';
import { AgentsRemoveCommand } from './commands/agents-remove-command.js';
import { AgentsShowCommand } from './commands/agents-show-command.js';
import { AgentsValidateCommand } from './commands/agents-validate-command.js';
import { MetaAgent } from './meta-agent.js';
import { ModelClients } from './model-clients.js';
import { ModelStatusSection } from './model-status-section.js';
import { OpenAiModelGateway } from './openai-model-gateway.js';
import { FileAgentRegistry } from './registry.js';

/**
 * The agents plugin: the agent registry over `agents-config/` (hot load and unload in long-running
 * processes), model providers of `config/models.json`, the `ModelGateway` for structured generation,
 * `agent_invocation` nodes on @openai/agents, the Meta Agent, REST routes and `agents:config:*`.
 * `@openai/agents` and `openai` are imported by the first call to a model (agents-sdk.ts, openai-sdk.ts).
 */
export default definePlugin({
  bindings({ bind }) {
    bind(FileAgentRegistry).toSelf();
    bind(AgentRegistry).toService(FileAgentRegistry);
    bind(EventContribution).toConstantValue({ events: AgentEvents });
    bind(AgentsFolderWatcher).toSelf();

    bind(ModelClients).toSelf();
    bind(OpenAiModelGateway).toSelf();
    bind(ModelGateway).toService(OpenAiModelGateway);
    bind(ModelStatusSection).toSelf();
    bind(StatusSection).toService(ModelStatusSection);

    bind(AgentBuilder).toSelf();
    bind(AgentInvoker).toSelf();
    bind(AgentInvocationAdapter).toSelf();
    bind(NodeAdapter).toService(AgentInvocationAdapter);

    bind(AgentConfigChecker).toSelf();
    bind(MetaAgent).toSelf();

    bind(AgentRoutes).toSelf();
    bind(HttpRoutes).toService(AgentRoutes);

    bind(AgentsAccess).toSelf();
    bind(AgentsListCommand).toSelf();
    bind(CliCommand).toService(AgentsListCommand);
    bind(AgentsShowCommand).toSelf();
    bind(CliCommand).toService(AgentsShowCommand);
    bind(AgentsValidateCommand).toSelf();
    bind(CliCommand).toService(AgentsValidateCommand);
    bind(AgentsRegisterCommand).toSelf();
    bind(CliCommand).toService(AgentsRegisterCommand);
    bind(AgentsRemoveCommand).toSelf();
    bind(CliCommand).toService(AgentsRemoveCommand);
    bind(AgentsGenerateCommand).toSelf();
    bind(CliCommand).toService(AgentsGenerateCommand);
  },

  async start({ process, services }) {
    await services.get<FileAgentRegistry>(FileAgentRegistry).scan();
    // One-shot commands read the folder once; long-running processes follow it.
    if (process.role !== 'cli') await services.get<AgentsFolderWatcher>(AgentsFolderWatcher).start();
  },

  async stop({ process, services }) {
    if (process.role !== 'cli') await services.get<AgentsFolderWatcher>(AgentsFolderWatcher).stop();
    await flushTraces();
  },
});

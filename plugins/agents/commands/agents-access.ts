import { inject, injectable, optional } from 'inversify';
import { OrchError, type CommandIO } from '../../../kernel/index.js';
import { AgentsApi, type AgentConfig, type AgentSummary, type GenerateBody, type RegisteredAgent } from '../api/index.js';
import { serverOrLocal, ServerLink, type AccessVia, type ApiClient } from '../../server/api/index.js';
import { summarize } from '../agent-summary.js';
import { MetaAgent, type GeneratedAgent } from '../meta-agent.js';
import { ModelClients } from '../model-clients.js';
import { FileAgentRegistry } from '../registry.js';

/** A registered agent as the commands show it (the file relative to the home). */
export interface AgentDetails extends Omit<RegisteredAgent, 'file'> {
  file?: string;
}

export interface RemoveOutcome {
  removed: string;
  file?: string;
  fileDeleted: boolean;
}

/** The agents as a command reaches them: the live server's REST API, or this process's registry and files. */
export interface AgentsView {
  list(): Promise<{ agents: AgentSummary[]; problems: { file: string; message: string }[] }>;
  get(name: string): Promise<AgentDetails>;
  register(config: AgentConfig, options: { persist: boolean; overwrite: boolean }): Promise<AgentSummary>;
  remove(name: string, options: { keepFile: boolean }): Promise<RemoveOutcome>;
  generate(request: GenerateBody & { onRound?: (round: number, problems: string[], repairsLeft: number) => void }): Promise<GeneratedAgent & { written?: string }>;
}

/**
 * Picks how a command works: through a running Orch server (whose registry changes at once) when
 * there is one, else on `agents-config/` directly (a running server would hot-load the files; the
 * next `orch start` loads them) — and says which on stderr.
 */
@injectable()
export class AgentsAccess {
  constructor(
    @inject(FileAgentRegistry) private readonly registry: FileAgentRegistry,
    @inject(MetaAgent) private readonly meta: MetaAgent,
    @inject(ModelClients) private readonly clients: ModelClients,
    @inject(ServerLink) @optional() private readonly link: ServerLink | undefined,
  ) {}

  open(io: CommandIO): Promise<AgentsView & { readonly via: AccessVia }> {
    return serverOrLocal(io, this.link, { remote: remoteView, local: () => this.filesView(), localNotice: 'working on agents-config/ directly', localVia: 'files' });
  }

  private filesView(): AgentsView {
    const { registry, meta, clients } = this;
    const label = (file: string) => registry.label(file);
    return {
      async list() {
        const models = await clients.settings();
        return { agents: registry.list().map((a) => summarize(a, label, models)), problems: registry.problems() };
      },
      async get(name) {
        const agent = registry.ensure(name);
        return { ...agent, file: agent.file ? label(agent.file) : undefined };
      },
      async register(config, { persist, overwrite }) {
        if (!persist) {
          throw new OrchError('invalid_input', '--memory needs a running Orch server (orch start): without one, an agent kept only in memory would vanish when this command ends');
        }
        return summarize(await registry.register(config, { persist: true, overwrite }), label, await clients.settings());
      },
      async remove(name, { keepFile }) {
        if (keepFile) throw new OrchError('invalid_input', '--keep-file needs a running Orch server: without one there is nothing to unload but the file');
        const entry = registry.get(name);
        const file = entry?.file ?? `${registry.folder}/${name}.json`;
        const removed = await registry.unregister(name, { deleteFile: true });
        if (!removed) registry.ensure(name); // not registered and no file: throws not_found naming the known agents
        return { removed: name, file: label(file), fileDeleted: true };
      },
      async generate(request) {
        const generated = await meta.generate({ ...request, onRound: request.onRound });
        if (!request.write) return generated;
        const agent = await meta.write(generated.config, request.force ?? false);
        return { ...generated, written: agent.file ? label(agent.file) : undefined };
      },
    };
  }
}

function remoteView(client: ApiClient): AgentsView {
  return {
    list: () => client.call(AgentsApi.list),
    get: async (name) => (await client.call(AgentsApi.get, { params: { name } })).agent,
    register: async (config, { persist, overwrite }) => (await client.call(AgentsApi.register, { body: { config, persist, overwrite } })).agent,
    remove: (name, { keepFile }) => client.call(AgentsApi.remove, { params: { name }, query: keepFile ? { keepFile: 'true' } : {} }),
    generate: ({ onRound: _progressIsLocalOnly, ...body }) => client.call(AgentsApi.generate, { body }),
  };
}

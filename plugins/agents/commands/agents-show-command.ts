import { inject, injectable } from 'inversify';
import type { CliCommand, CommandIO } from '../../../kernel/index.js';
import { AgentsAccess } from './agents-access.js';

/** `orch agents:config:show <name> [--json]`: the full config, where it came from and when it was loaded. */
@injectable()
export class AgentsShowCommand implements CliCommand {
  readonly name = 'agents:config:show';

  constructor(@inject(AgentsAccess) private readonly access: AgentsAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const view = await this.access.open(io);
    const agent = await view.get(String(args.name));
    if (io.json) {
      io.printJson({ via: view.via, agent });
      return 0;
    }
    io.out(`Agent ${agent.config.name} ${agent.config.version} — ${agent.file ?? 'registered in memory (no file)'}, loaded ${agent.loadedAt}`);
    io.out(JSON.stringify(agent.config, null, 2));
    return 0;
  }
}

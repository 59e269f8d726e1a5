import { inject, injectable } from 'inversify';
import type { CliCommand, CommandIO } from '../../../kernel/index.js';
import { AgentsAccess } from './agents-access.js';

/** `orch agents:config:remove <name> [--keep-file]`: unload an agent and delete its file. */
@injectable()
export class AgentsRemoveCommand implements CliCommand {
  readonly name = 'agents:config:remove';

  constructor(@inject(AgentsAccess) private readonly access: AgentsAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const view = await this.access.open(io);
    const outcome = await view.remove(String(args.name), { keepFile: Boolean(args['keep-file'] ?? args.keepFile) });
    if (io.json) {
      io.printJson({ via: view.via, ...outcome });
      return 0;
    }
    if (outcome.fileDeleted) io.out(`Removed agent ${outcome.removed} and deleted ${outcome.file}.`);
    else if (outcome.file) io.out(`Unloaded agent ${outcome.removed}; ${outcome.file} is kept and ignored until it changes (the next orch start loads it again).`);
    else io.out(`Unloaded agent ${outcome.removed} (it had no file).`);
    return 0;
  }
}

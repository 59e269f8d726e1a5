import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inject, injectable } from 'inversify';
import { describeError, OrchError, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { parseAgentConfig } from '../agent-config-file.js';
import { AgentsAccess } from './agents-access.js';

/** `orch agents:config:register <file> [--force] [--memory]`: validate a config file and register it. */
@injectable()
export class AgentsRegisterCommand implements CliCommand {
  readonly name = 'agents:config:register';

  constructor(@inject(AgentsAccess) private readonly access: AgentsAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const label = String(args.file);
    let text: string;
    try {
      text = await readFile(resolve(label), 'utf8');
    } catch (error) {
      throw new OrchError('not_found', `Cannot read ${label}: ${describeError(error)}`, { file: label });
    }
    const config = parseAgentConfig(text, label);
    const view = await this.access.open(io);
    const agent = await view.register(config, { persist: !args.memory, overwrite: Boolean(args.force) });
    if (io.json) {
      io.printJson({ via: view.via, agent });
      return 0;
    }
    const where = agent.source === 'memory' ? 'in the server\'s memory only (gone after a restart)' : `as ${agent.source}`;
    io.out(`Registered agent ${agent.name} ${agent.version} ${where}.`);
    if (view.via === 'files') io.out('A running Orch server picks the file up within a second; otherwise the next orch start loads it.');
    return 0;
  }
}

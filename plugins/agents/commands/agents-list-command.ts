import { inject, injectable } from 'inversify';
import { renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { AgentsAccess } from './agents-access.js';

/** `orch agents:config:list [--json]` */
@injectable()
export class AgentsListCommand implements CliCommand {
  readonly name = 'agents:config:list';

  constructor(@inject(AgentsAccess) private readonly access: AgentsAccess) {}

  async run(_args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const view = await this.access.open(io);
    const { agents, problems } = await view.list();
    if (io.json) {
      io.printJson({ via: view.via, agents, problems });
      return 0;
    }
    if (agents.length === 0) io.out('No agents registered. Add one with: orch agents:config:generate "<what it should do>" --write');
    else {
      io.out(
        renderTable(
          ['NAME', 'VERSION', 'MODEL', 'TOOLS', 'RISK', 'SOURCE', 'DESCRIPTION'],
          agents.map((a) => [a.name, a.version, a.model, a.tools.join(' ') || '-', a.riskLevel, a.source, truncate(a.description, 60)]),
        ),
      );
    }
    if (problems.length > 0) {
      io.out(`\n${problems.length} invalid file${problems.length === 1 ? '' : 's'} skipped:`);
      for (const p of problems) io.out(`  ${p.file}: ${p.message}`);
    }
    return 0;
  }
}

function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

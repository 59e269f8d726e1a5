import { inject, injectable } from 'inversify';
import { OrchError, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { AGENT_NAME_PATTERN, roundNotice } from '../api/index.js';
import { AgentsAccess } from './agents-access.js';

/**
 * `orch agents:config:generate "<description>" [--name n] [--write] [--force] [--provider p] [--model m]`:
 * the Meta Agent writes an agent config (validated, repaired for a few rounds); printed, or written
 * to `agents-config/<name>.json` with `--write` (an existing file only with `--force`).
 */
@injectable()
export class AgentsGenerateCommand implements CliCommand {
  readonly name = 'agents:config:generate';

  constructor(@inject(AgentsAccess) private readonly access: AgentsAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const description = String(args.description ?? '').trim();
    if (!description) throw new OrchError('invalid_input', 'Describe the agent to generate, e.g. orch agents:config:generate "summarise support tickets into three bullet points"');
    const name = typeof args.name === 'string' && args.name ? args.name : undefined;
    if (name && !AGENT_NAME_PATTERN.test(name)) {
      throw new OrchError('invalid_input', `--name "${name}" is not an agent name: lower-case letters, digits, "_" and "-", starting with a letter`);
    }
    const view = await this.access.open(io);
    io.notice('Asking the model for an agent config…');
    const generated = await view.generate({
      description,
      name,
      write: Boolean(args.write),
      force: Boolean(args.force),
      provider: typeof args.provider === 'string' && args.provider ? args.provider : undefined,
      model: typeof args.model === 'string' && args.model ? args.model : undefined,
      maxRounds: typeof args['max-rounds'] === 'number' ? args['max-rounds'] : undefined,
      onRound: (round, problems, repairsLeft) => io.notice(`  ${roundNotice(round, problems, repairsLeft)}`),
    });
    if (io.json) {
      io.printJson({ via: view.via, ...generated });
      return 0;
    }
    io.out(JSON.stringify(generated.config, null, 2));
    // The model's name alone: a provider's model ids may already carry a prefix (demo/orch-demo-1).
    const how = `${generated.rounds} model call${generated.rounds === 1 ? '' : 's'}${generated.model ? ` to ${generated.model} (provider ${generated.provider})` : ''}`;
    if (generated.written) io.err(`Wrote ${generated.written} with ${how}; agent ${generated.config.name} is registered.`);
    else {
      const clash = generated.existing ? ` Agent ${generated.config.name} exists already (${generated.existing}): add --force to replace it.` : '';
      io.err(`Valid agent config from ${how}. Not written: add --write to save it as agents-config/${generated.config.name}.json.${clash}`);
    }
    return 0;
  }
}

import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { inject, injectable } from 'inversify';
import { describeError, isOrchError, OrchError, Paths, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { type DryRunIssue } from '../../plans/api/index.js';
import { parseAgentConfig } from '../agent-config-file.js';
import { AgentConfigChecker } from '../agent-config-checker.js';

/**
 * `orch agents:config:validate <file>`: the schema (each wrong field named), the file name (inside
 * `agents-config/`), and that what the config names exists: model provider, MCP servers and their
 * tools (when reachable), function tools, handoffs, a usable output schema. Exit 1 on any error.
 */
@injectable()
export class AgentsValidateCommand implements CliCommand {
  readonly name = 'agents:config:validate';

  constructor(
    @inject(AgentConfigChecker) private readonly checker: AgentConfigChecker,
    @inject(Paths) private readonly paths: Paths,
  ) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const file = resolve(String(args.file));
    const label = String(args.file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new OrchError('not_found', `Cannot read ${label}: ${describeError(error)}`, { file: label });
    }
    const inFolder = dirname(file) === resolve(this.paths.home, 'agents-config');
    let issues: DryRunIssue[];
    let name: string | undefined;
    try {
      const config = parseAgentConfig(text, label, { requireFileName: inFolder });
      name = config.name;
      issues = await this.checker.check(config);
      if (!inFolder && basename(file) !== `${config.name}.json`) {
        issues.push({ path: 'name', severity: 'warning', message: `agents:config:register will store it as agents-config/${config.name}.json` });
      }
    } catch (error) {
      if (!isOrchError(error) || error.code !== 'invalid_input') throw error;
      issues = error.details?.issues?.map((i) => ({ path: i.path, message: i.message })) ?? [{ path: '(root)', message: error.message.replace(`${label} is `, '') }];
    }
    const errors = issues.filter((i) => i.severity !== 'warning');
    const warnings = issues.filter((i) => i.severity === 'warning');
    if (io.json) {
      io.printJson({ file: label, valid: errors.length === 0, name, errors, warnings });
      return errors.length === 0 ? 0 : 1;
    }
    if (errors.length === 0) io.out(`✓ ${label} is a valid agent config${name ? ` (agent "${name}")` : ''}`);
    else {
      io.out(`✗ ${label} is not a valid agent config (${errors.length} problem${errors.length === 1 ? '' : 's'}):`);
      for (const e of errors) io.out(`  ${e.path}: ${e.message}`);
    }
    for (const w of warnings) io.out(`  warning: ${w.path}: ${w.message}`);
    return errors.length === 0 ? 0 : 1;
  }
}

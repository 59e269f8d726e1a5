import { inject, injectable } from 'inversify';
import { type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { PlanStore } from '../api/index.js';
import { renderPlanOutline } from '../render/plan-outline.js';
import { terminalStyle, wantsColor } from '../render/terminal-style.js';
import { versionOption } from './plan-source.js';

/** `orch plan:show <id> [--version N]`: a version's outline (or, with --json, the stored document). */
@injectable()
export class PlanShowCommand implements CliCommand {
  readonly name = 'plan:show';

  constructor(@inject(PlanStore) private readonly store: PlanStore) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const planId = String(args.id);
    const plan = await this.store.get(planId, versionOption(args.version));
    if (io.json) {
      io.printJson(plan);
      return 0;
    }
    const versions = await this.store.versions(planId);
    const info = versions.find((v) => v.version === plan.version);
    const style = terminalStyle(wantsColor(io.interactive));
    const lines = [
      style.bold(`${plan.id} v${plan.version}${info?.active ? ' (active)' : ''} — ${plan.name}`),
      `goal: ${plan.goal}`,
      ...(plan.description ? [plan.description] : []),
      style.dim(`created ${plan.createdAt} by ${plan.createdBy}${info ? ` · ${info.origin}` : ''}`),
    ];
    const inputs = Object.entries(plan.inputs ?? {});
    if (inputs.length > 0) {
      lines.push('inputs:');
      for (const [name, input] of inputs) {
        const facts = [input.type, input.required ? 'required' : 'optional', input.default !== undefined ? `default ${clip(JSON.stringify(input.default))}` : '']
          .filter(Boolean)
          .join(', ');
        lines.push(`  ${name} (${facts})${input.description ? ` — ${input.description}` : ''}`);
      }
    }
    lines.push('', renderPlanOutline(plan.root, style));
    io.out(lines.join('\n'));
    return 0;
  }
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

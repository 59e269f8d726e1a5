import { inject, injectable } from 'inversify';
import { OrchError, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { PlanStore } from '../api/index.js';
import { diffPlans, type FieldChange, type PlanDiff } from '../plan-diff.js';
import { terminalStyle, wantsColor, type TerminalStyle } from '../render/terminal-style.js';

/** `orch plan:diff <id> <a> [b]`: what changed between two versions (b: the active one). */
@injectable()
export class PlanDiffCommand implements CliCommand {
  readonly name = 'plan:diff';

  constructor(@inject(PlanStore) private readonly store: PlanStore) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const planId = String(args.id);
    const a = versionArg(args.a, 'a');
    const b = args.b === undefined ? undefined : versionArg(args.b, 'b');
    const diff = diffPlans(await this.store.get(planId, a), await this.store.get(planId, b));
    if (io.json) io.printJson(diff);
    else io.out(renderDiff(diff, terminalStyle(wantsColor(io.interactive))));
    return 0;
  }
}

function versionArg(value: unknown, name: string): number {
  const text = String(value).replace(/^v/i, '');
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new OrchError('invalid_input', `<${name}> must be a version number such as 2 or v2, got "${String(value)}"`);
  return n;
}

export function renderDiff(diff: PlanDiff, style: TerminalStyle): string {
  const lines = [style.bold(`plan ${diff.planId}: v${diff.from} → v${diff.to}`)];
  if (diff.identical) {
    lines.push(`v${diff.from} and v${diff.to} have the same content.`);
    return lines.join('\n');
  }
  for (const change of diff.plan) lines.push(`${style.warn('~')} ${changeText(change)}`);
  for (const node of diff.added) lines.push(style.ok(`+ ${node.nodeId}  ${node.type}${node.parentId ? `  added to ${node.parentId}` : '  (new root)'}`));
  for (const node of diff.removed) lines.push(style.bad(`- ${node.nodeId}  ${node.type}${node.parentId ? `  removed from ${node.parentId}` : ''}`));
  for (const node of diff.moved) lines.push(`${style.warn('↷')} ${node.nodeId}  moved from ${node.fromParentId ?? '(root)'} to ${node.parentId ?? '(root)'}`);
  for (const node of diff.changed) {
    node.changes.forEach((change, i) => lines.push(`${i === 0 ? `${style.warn('~')} ${node.nodeId}  ` : ' '.repeat(node.nodeId.length + 4)}${changeText(change)}`));
  }
  return lines.join('\n');
}

function changeText(change: FieldChange): string {
  const show = (value: unknown) => (value === undefined ? '(none)' : truncate(JSON.stringify(value)));
  return `${change.field}: ${show(change.before)} → ${show(change.after)}`;
}

function truncate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

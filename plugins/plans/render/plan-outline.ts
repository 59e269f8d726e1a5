import type { PlanNode } from '../api/index.js';
import type { TerminalStyle } from './terminal-style.js';

/** A plan's nodes as an indented tree, with what each one does (`plan:show`, `plan:design`). */
export function renderPlanOutline(root: PlanNode, style: TerminalStyle): string {
  const lines: string[] = [];
  walk(root, '', '', undefined, lines, style);
  return lines.join('\n');
}

function walk(node: PlanNode, lead: string, childLead: string, branch: string | undefined, lines: string[], style: TerminalStyle): void {
  const title = node.title && node.type !== 'human_approval' ? `  ${style.dim(`"${node.title}"`)}` : '';
  const via = branch ? `${style.dim(branch)} ` : '';
  lines.push(`${lead}${via}${style.bold(node.id)}  ${summaryOf(node)}${title}`);
  const children = childrenWithLabels(node);
  children.forEach(({ child, label }, i) => {
    const last = i === children.length - 1;
    walk(child, `${childLead}${last ? '└─ ' : '├─ '}`, `${childLead}${last ? '   ' : '│  '}`, label, lines, style);
  });
}

function childrenWithLabels(node: PlanNode): { child: PlanNode; label?: string }[] {
  switch (node.type) {
    case 'sequence':
    case 'parallel':
      return node.children.map((child) => ({ child }));
    case 'conditional':
      return [
        ...node.branches.map((b) => ({ child: b.then, label: `when ${b.when} →` })),
        ...(node.else ? [{ child: node.else, label: 'else →' }] : []),
      ];
    case 'loop':
      return [{ child: node.body }];
    default:
      return [];
  }
}

/** One phrase: the type and the essentials of what the node does. */
export function summaryOf(node: PlanNode): string {
  const approval = node.requiresApproval ? ' · needs approval' : '';
  const risk = node.riskLevel ? ` · ${node.riskLevel}` : '';
  switch (node.type) {
    case 'sequence':
      return `sequence of ${node.children.length}`;
    case 'parallel':
      return `parallel of ${node.children.length}${node.maxConcurrency && node.maxConcurrency < 10 ? ` (${node.maxConcurrency} at once)` : ''}`;
    case 'conditional':
      return `conditional, ${node.branches.length} branch${node.branches.length === 1 ? '' : 'es'}${node.else ? ' + else' : ''}`;
    case 'loop':
      return node.forEach !== undefined ? `loop for each of ${node.forEach} (max ${node.maxIterations})` : `loop while ${node.while} (max ${node.maxIterations})`;
    case 'human_approval':
      return `human_approval "${node.title}"${node.approvers?.length ? ` by ${node.approvers.join(', ')}` : ''}`;
    case 'local_task':
      return `local_task:${node.kind}${risk}${approval}`;
    case 'agent_invocation':
      return `agent_invocation ${node.agent}${risk}${approval}`;
    case 'mcp_tool':
      return `mcp_tool ${node.server}/${node.tool}${risk}${approval}`;
    case 'external_service':
      return `external_service ${node.service} ${node.operation.method} ${node.operation.path}${risk}${approval}`;
  }
}

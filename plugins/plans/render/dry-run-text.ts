import type { DryRunNodeReport, DryRunReport, PlanIssue } from '../api/index.js';
import type { TerminalStyle } from './terminal-style.js';

/**
 * The dry run as a tree, one line per node with ✓ or ✗, its issues under it with the field they
 * are about, and a verdict at the end.
 */
export function renderDryRun(report: DryRunReport, style: TerminalStyle): string {
  const lines: string[] = [];
  const name = report.planName ? ` "${report.planName}"` : '';
  const id = report.planId ? `plan ${report.planId}` : 'plan';
  lines.push(style.bold(`Dry run of ${id}${name}`) + (report.source ? style.dim(`  (${report.source})`) : ''));
  for (const issue of report.issues) lines.push(`  ${issueLine(issue, style, true)}`);
  if (report.root) renderNode(report.root, '', '', lines, style);
  lines.push('');
  lines.push(verdict(report, style));
  return lines.join('\n');
}

function renderNode(node: DryRunNodeReport, lead: string, childLead: string, lines: string[], style: TerminalStyle): void {
  const mark = node.ok ? style.ok('✓') : style.bad('✗');
  const facts = [node.adapter ?? node.type, node.approval === 'human' ? undefined : node.riskLevel, approvalText(node.approval)].filter(Boolean).join(' · ');
  const title = node.title ? `  ${style.dim(`"${node.title}"`)}` : '';
  lines.push(`${lead}${mark} ${style.bold(node.nodeId)}  ${style.dim(facts)}${title}`);
  const issueLead = childLead + (node.children.length > 0 ? '│ ' : '  ');
  for (const issue of node.issues) lines.push(`${issueLead}${issueLine(issue, style, false)}`);
  node.children.forEach((child, i) => {
    const last = i === node.children.length - 1;
    renderNode(child, `${childLead}${last ? '└─ ' : '├─ '}`, `${childLead}${last ? '   ' : '│  '}`, lines, style);
  });
}

function issueLine(issue: PlanIssue, style: TerminalStyle, planLevel: boolean): string {
  const mark = issue.severity === 'error' ? style.bad('✗') : style.warn('!');
  const field = planLevel ? issue.path : issue.field;
  return `${mark} ${field ? `${field}: ` : ''}${issue.message}`;
}

function approvalText(approval: DryRunNodeReport['approval']): string | undefined {
  switch (approval) {
    case 'required':
      return 'needs approval';
    case 'waived':
      return 'approval waived';
    case 'human':
      return 'asks a person';
    default:
      return undefined;
  }
}

function verdict(report: DryRunReport, style: TerminalStyle): string {
  const warnings = report.warningCount ? `, ${report.warningCount} warning${report.warningCount === 1 ? '' : 's'}` : '';
  if (!report.ok) {
    return style.bad(`✗ ${report.errorCount} error${report.errorCount === 1 ? '' : 's'}${warnings} — the plan is not valid`);
  }
  const gated = collect(report.root, (n) => n.approval === 'required').map((n) => n.nodeId);
  const pauses = gated.length ? `; pauses for approval before ${gated.join(', ')}` : '';
  return style.ok(`✓ valid — ${report.nodeCount} node${report.nodeCount === 1 ? '' : 's'}${warnings}${pauses}`);
}

function collect(node: DryRunNodeReport | undefined, wanted: (n: DryRunNodeReport) => boolean): DryRunNodeReport[] {
  if (!node) return [];
  return [...(wanted(node) ? [node] : []), ...node.children.flatMap((c) => collect(c, wanted))];
}

import { injectable } from 'inversify';
import type { z } from 'zod';
import { OrchError } from '../../kernel/index.js';
import { HumanApprovalParamsSchema, type HumanApprovalParams } from './api/index.js';
import { needsApprovalByRisk, type DryRunContext, type DryRunIssue, type NodeAdapter, type RiskLevel } from '../plans/api/index.js';

/**
 * `human_approval` nodes: validation and dry run. The pause itself is the executor's — it asks the
 * `ApprovalStore` (idempotent on run + key), interrupts the graph, and on resume makes the decision
 * the node's output `{ approved, operator, comment, decidedAt }` — so `run` is never the way such a
 * node executes.
 */
@injectable()
export class HumanApprovalAdapter implements NodeAdapter<HumanApprovalParams, never> {
  readonly type = 'human_approval' as const;
  readonly paramsSchema = HumanApprovalParamsSchema as unknown as z.ZodType<HumanApprovalParams>;
  readonly requiredFields = { title: 'an approval needs a title' };
  /** The node does nothing by itself; what it guards is the plan author's to label with `riskLevel`. */
  readonly defaultRiskLevel: RiskLevel = 'medium';
  readonly description = 'Pauses the run until a person approves or rejects (orch approvals:*, the GUI or POST /api/approvals/:id/decision)';

  async dryRun({ node, params }: DryRunContext<HumanApprovalParams>): Promise<DryRunIssue[]> {
    const issues: DryRunIssue[] = [];
    const approvers = params.approvers ?? [];
    if (params.approvers && approvers.length === 0) {
      issues.push({ path: 'approvers', message: 'an empty approvers list means anyone may decide; leave the field out to say so', severity: 'warning' });
    }
    const seen = new Set<string>();
    approvers.forEach((approver, index) => {
      if (seen.has(approver)) issues.push({ path: `approvers.${index}`, message: `"${approver}" is listed twice`, severity: 'warning' });
      seen.add(approver);
    });
    if (params.onTimeout !== 'reject' && node.timeoutMs === undefined) {
      issues.push({
        path: 'onTimeout',
        message: `onTimeout "${params.onTimeout}" never applies: the node has no timeoutMs, so the request waits for a person indefinitely`,
        severity: 'warning',
      });
    }
    if (params.onTimeout === 'approve' && node.riskLevel && needsApprovalByRisk(node.riskLevel)) {
      issues.push({
        path: 'onTimeout',
        message: `a ${node.riskLevel}-risk approval approves itself when nobody answers in time; prefer "reject" or "escalate"`,
        severity: 'warning',
      });
    }
    if (node.requiresApproval === false || node.waiveApproval) {
      issues.push({
        path: node.requiresApproval === false ? 'requiresApproval' : 'waiveApproval',
        message: 'a human_approval node always waits for a person; requiresApproval/waiveApproval have no effect on it',
        severity: 'warning',
      });
    }
    return issues;
  }

  async run(): Promise<never> {
    throw new OrchError('internal', 'human_approval nodes are paused and decided by the executor through the ApprovalStore; the adapter only validates and dry-runs them');
  }
}

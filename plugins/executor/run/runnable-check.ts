import { OrchError } from '../../../kernel/index.js';
import type { Plan, PlanValidator } from '../../plans/api/index.js';

/** Issue fields that only say which adapter is missing: the sentence itself names the type or kind. */
const ADAPTER_FIELDS = new Set(['type', 'kind']);

/**
 * Refuses, before anything runs, a plan version this process cannot run: the dry run's own checks
 * of every leaf (an adapter no loaded plugin provides, params it refuses, risk without approval —
 * a stored version was checked when it was saved, but the plugins may have changed since), and
 * nodes that need a person's approval while the approvals plugin is not loaded.
 */
export function refuseUnrunnable(plan: Plan, validator: PlanValidator, approvalsLoaded: boolean): void {
  const checks = validator.checkLeaves(plan);
  const errors = checks.flatMap((check) =>
    check.issues
      .filter((issue) => issue.severity === 'error')
      .map((issue) => `node ${check.nodeId}: ${issue.field && !ADAPTER_FIELDS.has(issue.field) ? `${issue.field}: ` : ''}${issue.message}`),
  );
  if (errors.length > 0) throw new OrchError('invalid_input', `Plan ${plan.id} v${plan.version} cannot run: ${errors.join('; ')}`);
  if (!approvalsLoaded && checks.some((check) => check.approval === 'required' || check.approval === 'human')) {
    throw new OrchError('invalid_input', `Plan ${plan.id} v${plan.version} has nodes that need a person's approval, but the approvals plugin is not loaded`);
  }
}

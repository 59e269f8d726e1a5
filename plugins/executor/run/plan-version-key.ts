import type { Plan } from '../../plans/api/index.js';

/**
 * What this process may remember about a stored plan version (its compiled graph, that it is
 * runnable): a version never changes, and `createdAt` tells apart two stores' versions of the same
 * number (a restored backup).
 */
export function planVersionKey(plan: Plan): string {
  return `${plan.id}@${plan.version}@${plan.createdAt}`;
}

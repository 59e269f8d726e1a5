import { z } from 'zod';

/** How much harm a node can do; `high` and `critical` need a person's approval unless waived. */
export const RiskLevelSchema = z.enum(['low', 'medium', 'high', 'critical']);
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

export function needsApprovalByRisk(level: RiskLevel): boolean {
  return level === 'high' || level === 'critical';
}

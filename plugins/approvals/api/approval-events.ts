import { z } from 'zod';
import type { EventPayloads } from '../../../kernel/index.js';
import { RiskLevelSchema } from '../../plans/api/index.js';

const nodeRef = { runId: z.string(), nodeId: z.string() };

/** Events of approvals, published by the approval store. */
export const ApprovalEvents = {
  /** `approvers`: who may decide (anyone when absent); `expiresAt`: when `onTimeout` applies (never when absent). */
  'approval.requested': z.object({
    approvalId: z.string(),
    ...nodeRef,
    planId: z.string(),
    title: z.string(),
    prompt: z.string(),
    riskLevel: RiskLevelSchema,
    approvers: z.array(z.string()).optional(),
    expiresAt: z.string().optional(),
  }),
  'approval.resolved': z.object({
    approvalId: z.string(),
    ...nodeRef,
    outcome: z.enum(['approved', 'rejected']),
    operator: z.string(),
    via: z.enum(['cli', 'gui', 'api', 'timeout']),
  }),
  'approval.escalated': z.object({ approvalId: z.string(), ...nodeRef, title: z.string(), riskLevel: RiskLevelSchema, expiresAt: z.string() }),
  /** The run ended while the approval was open: nobody can decide it any more. */
  'approval.withdrawn': z.object({ approvalId: z.string(), ...nodeRef, title: z.string(), reason: z.string(), runStatus: z.string() }),
};

declare module '../../../kernel/index.js' {
  interface OrchEventMap extends EventPayloads<typeof ApprovalEvents> {}
}

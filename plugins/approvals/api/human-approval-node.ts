import { z } from 'zod';

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? what : undefined);

/**
 * The own fields of a `human_approval` node (besides the common ones; its `title`, required, says
 * what is being approved). The one description of them: the adapter validates with it, and the
 * Plan JSON Schema shows it.
 */
export const HumanApprovalParamsSchema = z.strictObject({
  prompt: z.string({ error: required('tell the approver what to check (prompt)') }).min(1).describe('What the approver should check; may use {{ … }} templates'),
  approvers: z.array(z.string().min(1)).optional().describe('Operators allowed to decide (anyone when absent)'),
  onTimeout: z.enum(['reject', 'approve', 'escalate']).default('reject').describe('What happens when timeoutMs passes without a decision'),
  onReject: z
    .enum(['fail', 'continue'])
    .default('fail')
    .describe('fail: a rejection fails the run; continue: the output is { approved: false, … } so a later conditional can branch'),
});
export type HumanApprovalParams = z.output<typeof HumanApprovalParamsSchema>;

declare module '../../plans/api/index.js' {
  interface LeafNodeTypes {
    human_approval: HumanApprovalParams;
  }
}

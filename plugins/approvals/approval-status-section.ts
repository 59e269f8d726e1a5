import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { type StatusSection } from '../../kernel/index.js';
import { ApprovalStore } from './api/index.js';

const ApprovalsSummarySchema = z.object({ pending: z.number().int().nonnegative() });
type ApprovalsSummary = z.infer<typeof ApprovalsSummarySchema>;

/** `approvals` of the status snapshot: how many wait for a person. */
@injectable()
export class ApprovalStatusSection implements StatusSection<ApprovalsSummary> {
  readonly name = 'approvals';
  readonly schema = ApprovalsSummarySchema;

  constructor(@inject(ApprovalStore) private readonly store: ApprovalStore) {}

  async build(): Promise<ApprovalsSummary> {
    return { pending: (await this.store.list()).length };
  }

  describe({ pending }: ApprovalsSummary): string[] {
    return [pending === 0 ? 'none pending' : `${pending} pending — \`orch approvals:list\` shows them`];
  }
}

import { inject, injectable, optional } from 'inversify';
import {
  ACTIVE_RUN_STATUSES,
  ApprovalStore,
  describeError,
  McpBridge,
  RunService,
  type OrchSnapshot,
} from '../../kernel/index.js';

/**
 * The current picture — bridge states, active runs, pending approvals — read from whichever of the
 * bridge, executor and approvals plugins are loaded (a missing one gives a `null` section). Used for
 * the WebSocket snapshot, `GET /api/status` and `orch status` without a server.
 */
@injectable()
export class SnapshotBuilder {
  constructor(
    @inject(McpBridge) @optional() private readonly bridge: McpBridge | undefined,
    @inject(RunService) @optional() private readonly runs: RunService | undefined,
    @inject(ApprovalStore) @optional() private readonly approvals: ApprovalStore | undefined,
  ) {}

  async build(): Promise<OrchSnapshot> {
    const problems: OrchSnapshot['problems'] = [];
    const section = async <T>(name: string, read: () => Promise<T> | T): Promise<T | null> => {
      try {
        return await read();
      } catch (error) {
        problems.push({ section: name, message: describeError(error) });
        return null;
      }
    };
    const [bridges, runs, approvals] = await Promise.all([
      this.bridge ? section('bridges', () => this.bridgeSection(this.bridge!)) : null,
      this.runs ? section('runs', () => this.runSection(this.runs!)) : null,
      this.approvals ? section('approvals', async () => ({ pending: (await this.approvals!.list()).length })) : null,
    ]);
    return { bridges, runs, approvals, problems };
  }

  private bridgeSection(bridge: McpBridge): NonNullable<OrchSnapshot['bridges']> {
    return bridge.status().map((s) => ({
      alias: s.alias,
      state: s.state,
      transport: s.transport,
      required: s.required,
      tools: s.tools.length,
      attempt: s.attempt,
      ...(s.nextRetryAt ? { nextRetryAt: s.nextRetryAt } : {}),
      ...(s.lastError ? { lastError: s.lastError } : {}),
    }));
  }

  private async runSection(runs: RunService): Promise<NonNullable<OrchSnapshot['runs']>> {
    const all = await runs.list();
    const counts: Record<string, number> = {};
    for (const run of all) counts[run.status] = (counts[run.status] ?? 0) + 1;
    const active = all
      .filter((run) => (ACTIVE_RUN_STATUSES as readonly string[]).includes(run.status))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .map(({ runId, planId, planVersion, status, operator, createdAt, updatedAt }) => ({ runId, planId, planVersion, status, operator, createdAt, updatedAt }));
    return { active, counts };
  }
}

import { inject, injectable } from 'inversify';
import { renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { PlanStore } from '../api/index.js';

/** `orch plan:list`: saved plans with their active version. */
@injectable()
export class PlanListCommand implements CliCommand {
  readonly name = 'plan:list';

  constructor(@inject(PlanStore) private readonly store: PlanStore) {}

  async run(_args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const plans = await this.store.list();
    if (io.json) {
      io.printJson({ plans });
      return 0;
    }
    if (plans.length === 0) {
      io.out('No plans saved yet. Save one with: orch plan:save examples/plans/serial.json');
      return 0;
    }
    io.out(
      renderTable(
        ['PLAN', 'ACTIVE', 'VERSIONS', 'UPDATED', 'NAME'],
        plans.map((p) => [p.id, `v${p.activeVersion}`, String(p.latestVersion), shortTime(p.updatedAt), p.name]),
      ),
    );
    return 0;
  }
}

/** `2026-11-24 10:03` — ISO time to the minute, in UTC like the files. */
export function shortTime(iso: string): string {
  return iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso;
}

import { inject, injectable } from 'inversify';
import { renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { PlanStore } from '../api/index.js';
import { shortTime } from './plan-list-command.js';

/** `orch plan:versions <id>`: every version, who made it and how; `*` marks the active one. */
@injectable()
export class PlanVersionsCommand implements CliCommand {
  readonly name = 'plan:versions';

  constructor(@inject(PlanStore) private readonly store: PlanStore) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const planId = String(args.id);
    const versions = await this.store.versions(planId);
    if (io.json) {
      io.printJson({ planId, versions });
      return 0;
    }
    io.out(
      renderTable(
        ['VERSION', 'CREATED (UTC)', 'BY', 'ORIGIN'],
        versions.map((v) => [`${v.active ? '*' : ' '}v${v.version}`, shortTime(v.createdAt), v.createdBy, v.origin]),
      ),
    );
    io.out(`\n* active version. Show one: orch plan:show ${planId} --version N · roll back: orch plan:rollback ${planId} --to N`);
    return 0;
  }
}

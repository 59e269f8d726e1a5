import { inject, injectable } from 'inversify';
import type { CliCommand, CommandIO } from '../../../kernel/index.js';
import { RunAccess } from './run-access.js';

/** `orch run:cancel <runId>` */
@injectable()
export class RunCancelCommand implements CliCommand {
  readonly name = 'run:cancel';

  constructor(@inject(RunAccess) private readonly access: RunAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const view = await this.access.open(io);
    const record = await view.cancel(String(args.runId));
    if (io.json) io.printJson(record);
    else io.out(`■ Run ${record.runId} is cancelled.`);
    return 0;
  }
}

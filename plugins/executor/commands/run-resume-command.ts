import { inject, injectable } from 'inversify';
import type { CliCommand, CommandIO } from '../../../kernel/index.js';
import { ProgressView } from './progress-view.js';
import { RunAccess } from './run-access.js';
import { exitCodeOf, outcomeLines } from './run-text.js';

/** `orch run:resume <runId> [--retry-node <id> | --skip-node <id>]`: continues a paused, blocked or interrupted run. */
@injectable()
export class RunResumeCommand implements CliCommand {
  readonly name = 'run:resume';

  constructor(@inject(RunAccess) private readonly access: RunAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const runId = String(args.runId);
    const retryNode = typeof args['retry-node'] === 'string' ? args['retry-node'] : undefined;
    const skipNode = typeof args['skip-node'] === 'string' ? args['skip-node'] : undefined;
    const view = await this.access.open(io);
    const progress = new ProgressView(io);
    const before = await view.get(runId);
    progress.seed(before);
    const record = await view.resume(runId, { retryNode, skipNode }, (r) => progress.update(r));
    progress.finish(record);
    if (io.json) {
      io.printJson(record);
    } else {
      const unchanged = JSON.stringify(record.waitingFor) === JSON.stringify(before.waitingFor);
      if (record.status === 'waiting_approval' && before.status === 'waiting_approval' && unchanged) {
        io.out('Nothing was decided yet, so the run keeps waiting.');
      }
      for (const warning of record.warnings ?? []) if (!(before.warnings ?? []).includes(warning)) io.err(`warning: ${warning}`);
      for (const line of outcomeLines(record, view.via === 'server')) io.out(line);
    }
    return exitCodeOf(record);
  }
}

import { inject, injectable } from 'inversify';
import type { CliCommand, CommandIO } from '../../../kernel/index.js';
import { ProgressView } from './progress-view.js';
import { RunAccess } from './run-access.js';
import { exitCodeOf, outcomeLines } from './run-text.js';

/** `orch run:replay <runId> [--from <nodeId|checkpointId>]`: a new run forked from a checkpoint of this one. */
@injectable()
export class RunReplayCommand implements CliCommand {
  readonly name = 'run:replay';

  constructor(@inject(RunAccess) private readonly access: RunAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const runId = String(args.runId);
    const from = typeof args.from === 'string' ? args.from : undefined;
    const view = await this.access.open(io);
    const progress = new ProgressView(io);
    let announced = false;
    const record = await view.replay(runId, { from }, (r) => {
      if (!announced && !io.json) {
        announced = true;
        io.out(`Replaying run ${runId} from ${r.replayOf?.from ?? 'its first checkpoint'} as run ${r.runId}`);
      }
      progress.update(r);
    });
    progress.finish(record);
    if (io.json) io.printJson(record);
    else for (const line of outcomeLines(record, view.via === 'server')) io.out(line);
    return exitCodeOf(record);
  }
}

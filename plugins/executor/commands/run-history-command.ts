import { inject, injectable } from 'inversify';
import { renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { RunAccess } from './run-access.js';
import { ago, truncate } from './run-text.js';

/** `orch run:history <runId>`: the run's checkpoints, newest first (ids to give `run:replay --from`). */
@injectable()
export class RunHistoryCommand implements CliCommand {
  readonly name = 'run:history';

  constructor(@inject(RunAccess) private readonly access: RunAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const runId = String(args.runId);
    const view = await this.access.open(io);
    const checkpoints = await view.history(runId);
    if (io.json) {
      io.printJson({ runId, checkpoints });
      return 0;
    }
    if (checkpoints.length === 0) {
      io.out(`Run ${runId} has no checkpoints.`);
      return 0;
    }
    const now = Date.now();
    io.out(
      renderTable(
        ['CHECKPOINT', 'STEP', 'CREATED', 'NEXT', 'DONE'],
        checkpoints.map((c) => [c.checkpointId, String(c.step), ago(c.createdAt, now), truncate(c.next.join(', ') || '(end)', 50), String(c.nodes.length)]),
      ),
    );
    io.out(`\n${checkpoints.length} checkpoint(s) kept (the newest 20 are). Replay with: orch run:replay ${runId} --from <checkpoint|node>`);
    return 0;
  }
}

import { inject, injectable } from 'inversify';
import { CliCommand, type CommandIO } from '../../kernel/index.js';
import { StateBackup } from './state-backup.js';

/** `orch state:restore <archive>`: the archived state back into a stopped home. */
@injectable()
export class StateRestoreCommand implements CliCommand {
  readonly name = 'state:restore';

  constructor(@inject(StateBackup) private readonly backups: StateBackup) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const report = await this.backups.restore(String(args.archive ?? ''));
    if (io.json) {
      io.printJson(report);
      return 0;
    }
    io.out(`Restored ${report.files} files from ${report.archive}; every JSON file parsed.`);
    if (report.previousState) io.out(`The state it replaced is in ${report.previousState} — delete it once the restored home is confirmed.`);
    io.out('Start the server (orch start): runs resume from the restored checkpoints.');
    return 0;
  }
}

import { inject, injectable } from 'inversify';
import { CliCommand, type CommandIO } from '../../kernel/index.js';
import { StateBackup } from './state-backup.js';

/** `orch state:backup [--to DIR] [--keep N]`: one dated, verified archive of the home's state. */
@injectable()
export class StateBackupCommand implements CliCommand {
  readonly name = 'state:backup';

  constructor(@inject(StateBackup) private readonly backups: StateBackup) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const report = await this.backups.backup({
      to: typeof args.to === 'string' ? args.to : undefined,
      keep: typeof args.keep === 'number' ? args.keep : undefined,
    });
    if (io.json) {
      io.printJson(report);
      return 0;
    }
    io.out(`Wrote ${report.archive} (${files(report.files)}, ${kib(report.bytes)}, verified; sha256 ${report.sha256.slice(0, 16)}…)`);
    io.out(`Keeping the newest ${report.kept} state archives${report.removed.length ? `; removed ${report.removed.length}: ${report.removed.map((r) => r.split('/').pop()).join(', ')}` : ''}.`);
    if (report.logs.status === 'written') io.out(`Logs of this week: ${report.logs.archive} (${files(report.logs.files ?? 0)}, ${kib(report.logs.bytes ?? 0)}).`);
    else if (report.logs.status === 'exists') io.out(`Logs of this week are already in ${report.logs.archive}.`);
    for (const warning of report.warnings) io.err(`Warning: ${warning}`);
    return 0;
  }
}

function files(n: number): string {
  return `${n} file${n === 1 ? '' : 's'}`;
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

import { CliCommand, definePlugin } from '../../kernel/index.js';
import { StateBackup } from './state-backup.js';
import { StateBackupCommand } from './state-backup-command.js';
import { StateRestoreCommand } from './state-restore-command.js';

/** Backups as commands: state:backup (dated, verified, newest seven kept, logs weekly) and state:restore. */
export default definePlugin({
  bindings({ bind }) {
    bind(StateBackup).toSelf();
    bind(StateBackupCommand).toSelf();
    bind(CliCommand).toService(StateBackupCommand);
    bind(StateRestoreCommand).toSelf();
    bind(CliCommand).toService(StateRestoreCommand);
  },
});

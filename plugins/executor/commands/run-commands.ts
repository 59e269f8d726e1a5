import type { CliCommand } from '../../../kernel/index.js';
import { RunAutoCommand } from './run-auto-command.js';
import { RunCancelCommand } from './run-cancel-command.js';
import { RunHistoryCommand } from './run-history-command.js';
import { RunListCommand } from './run-list-command.js';
import { RunReplayCommand } from './run-replay-command.js';
import { RunResumeCommand } from './run-resume-command.js';
import { RunStatusCommand } from './run-status-command.js';

/** The `run:*` commands this plugin binds (their names, options and help live in plugin.json). */
export const RUN_COMMANDS: (new (...args: any[]) => CliCommand)[] = [RunAutoCommand, RunListCommand, RunStatusCommand, RunResumeCommand, RunCancelCommand, RunReplayCommand, RunHistoryCommand];

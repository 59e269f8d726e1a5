import { CliCommand, type CommandIO } from '../kernel/contracts/cli-command.js';
import { formatFieldIssues } from '../kernel/contracts/zod-issues.js';
import { describeError, isOrchError } from '../kernel/errors.js';
import { Kernel } from '../kernel/kernel.js';
import { createTerminalIO } from './terminal-io.js';
import type { IndexedCommand } from './command-index.js';
import { runBuiltinCommand } from './builtin-commands.js';
import { stopOnSignals } from './stop-on-signals.js';

export interface GlobalOptions {
  home?: string;
  json?: boolean;
  operator?: string;
  plugins?: string;
}

/**
 * Runs one CLI command: boots the kernel with only the plugins the command needs, finds the
 * command's `CliCommand` implementation and runs it. Returns the exit code; errors become a clear
 * message (never a stack trace) and exit code 1.
 */
export async function runCommand(command: IndexedCommand, args: Record<string, unknown>, globals: GlobalOptions): Promise<number> {
  const io = createTerminalIO(Boolean(globals.json));
  if (command.plugin === 'kernel') return guard(io, () => runBuiltinCommand(command.name, args, globals, io));
  let kernel: Kernel | undefined;
  try {
    kernel = await Kernel.boot({
      home: globals.home,
      role: 'cli',
      operator: globals.operator,
      json: globals.json,
      plugins: globals.plugins ? globals.plugins.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      only: command.loads === 'all' ? undefined : [command.plugin],
    });
    stopOnSignals(kernel, (code) => process.exit(code === 0 ? 130 : code));
    await kernel.start();
    const owner = kernel.plugins().find((p) => p.id === command.plugin);
    if (owner && owner.status !== 'loaded') {
      io.err(`orch: ${command.name} is unavailable: plugin ${command.plugin} is ${owner.status.replace('_', ' ')}${owner.reason ? ` (${owner.reason})` : ''}`);
      return 1;
    }
    const implementation = kernel.resolveAll<CliCommand>(CliCommand).find((c) => c.name === command.name);
    if (!implementation) {
      io.err(`orch: plugin ${command.plugin} declares ${command.name} in its manifest but binds no CliCommand for it`);
      return 1;
    }
    const k = kernel;
    return await guard(io, async () => (await implementation.run(args, io)) ?? 0, (error) =>
      k.logger.error(`Command ${command.name} failed`, { category: 'cli', command: command.name, error: describeError(error), stack: (error as Error)?.stack }),
    );
  } catch (error) {
    printError(io, error);
    return 1;
  } finally {
    await kernel?.stop();
  }
}

async function guard(io: CommandIO, work: () => Promise<number>, log?: (error: unknown) => void): Promise<number> {
  try {
    return await work();
  } catch (error) {
    log?.(error);
    printError(io, error);
    return 1;
  }
}

export function printError(io: CommandIO, error: unknown): void {
  if (io.json) {
    const body = isOrchError(error)
      ? { error: { code: error.code, message: error.message, details: error.details ?? {} } }
      : { error: { code: 'internal', message: describeError(error) } };
    io.printJson(body);
    return;
  }
  io.err(`Error: ${describeError(error)}`);
  if (isOrchError(error) && error.details?.issues?.length && !error.message.includes(error.details.issues[0]!.message)) {
    io.err(`  ${formatFieldIssues(error.details.issues)}`);
  }
}

import type { CommandIO } from '../kernel/contracts/cli-command.js';
import { StartupBanner, StartupCheck } from '../kernel/contracts/startup.js';
import { OrchError } from '../kernel/errors.js';
import { Kernel } from '../kernel/kernel.js';
import { renderTable } from '../kernel/cli/render-table.js';
import type { GlobalOptions } from './run-command.js';
import { stopOnSignals } from './stop-on-signals.js';

/** The host's own commands, which no plugin provides: `start` and `plugins:list`. */
export async function runBuiltinCommand(name: string, args: Record<string, unknown>, globals: GlobalOptions, io: CommandIO): Promise<number> {
  const plugins = globals.plugins ? globals.plugins.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  if (name === 'plugins:list') {
    const kernel = await Kernel.boot({ home: globals.home, role: 'cli', operator: globals.operator, json: globals.json, plugins });
    try {
      const entries = kernel.plugins().sort((a, b) => a.id.localeCompare(b.id));
      if (io.json) {
        io.printJson(entries.map(({ manifest: _manifest, ...entry }) => entry));
      } else {
        io.out(
          renderTable(
            ['ID', 'VERSION', 'PROFILES', 'SOURCE', 'STATUS'],
            entries.map((e) => [e.id, e.version, e.profiles.join(','), e.source, e.reason ? `${e.status.replace('_', ' ')}: ${e.reason}` : e.status.replace('_', ' ')]),
          ),
        );
      }
      return 0;
    } finally {
      await kernel.stop();
    }
  }
  if (name === 'start') return start(args, globals, io, plugins);
  throw new OrchError('not_found', `Unknown kernel command ${name}`);
}

async function start(args: Record<string, unknown>, globals: GlobalOptions, io: CommandIO, plugins: string[] | undefined): Promise<number> {
  const port = typeof args.port === 'number' ? args.port : undefined;
  const kernel = await Kernel.boot({ home: globals.home, role: 'server', operator: globals.operator, json: globals.json, plugins, port });
  // Refuse before any plugin starts (e.g. one server per home: recovering runs twice would race).
  for (const check of kernel.resolveAll<StartupCheck>(StartupCheck)) {
    const refusal = await check.refusal();
    if (refusal) {
      io.err(`orch: ${refusal}`);
      await kernel.stop();
      return 1;
    }
  }
  const stopped = new Promise<number>((resolve) => stopOnSignals(kernel, resolve));
  await kernel.start();
  const entries = kernel.plugins();
  const loaded = entries.filter((e) => e.status === 'loaded').map((e) => e.id);
  const broken = entries.filter((e) => e.status === 'refused' || e.status === 'failed');
  // Core plugins are what every process relies on (the server among them): without one, stop.
  const brokenCore = broken.filter((e) => e.profiles.includes('core'));
  if (brokenCore.length > 0) {
    for (const entry of brokenCore) io.err(`orch: core plugin ${entry.id} ${entry.status}: ${entry.reason}`);
    io.err('Orch cannot run without its core plugins; stopping.');
    await kernel.stop();
    return 1;
  }
  const notStarted = broken.length ? `; ${broken.length} plugin${broken.length === 1 ? '' : 's'} did not start: ${broken.map((e) => `${e.id} (${e.status})`).join(', ')}` : '';
  io.err(`Orch ${kernel.process.kernelVersion} started in ${kernel.paths.home} (pid ${process.pid}) with plugins: ${loaded.join(', ') || 'none'}${notStarted}`);
  for (const entry of broken) io.err(`  ✗ plugin ${entry.id} ${entry.status}: ${entry.reason}`);
  for (const banner of kernel.resolveAll<StartupBanner>(StartupBanner)) {
    for (const line of await banner.lines().catch(() => [])) io.err(line);
  }
  // Keep the process alive until a signal stops the kernel (the server plugin's socket may not exist).
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const code = await stopped;
  clearInterval(keepAlive);
  io.err('Orch stopped.');
  return code;
}

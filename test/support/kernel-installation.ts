import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A throw-away Orch installation (kernel, CLI host, bin, package.json, an empty plugins/ folder, the real
 * node_modules linked in) plus a separate home, so CLI tests can add and remove plugin folders
 * exactly as a user would, without touching the real project.
 */
export interface Installation {
  root: string;
  home: string;
  addPlugin(id: string, manifest: Record<string, unknown>, entrySource: string): Promise<void>;
  removePlugin(id: string): Promise<void>;
  orch(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }>;
  cleanup(): Promise<void>;
}

export async function createInstallation(): Promise<Installation> {
  const root = await mkdtemp(join(tmpdir(), 'orch-install-'));
  const home = await mkdtemp(join(tmpdir(), 'orch-home-'));
  for (const part of ['bin', 'kernel', 'cli', 'package.json', 'tsconfig.json']) await cp(join(projectRoot, part), join(root, part), { recursive: true });
  await symlink(join(projectRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  await mkdir(join(root, 'plugins'));
  return {
    root,
    home,
    async addPlugin(id, manifest, entrySource) {
      await mkdir(join(root, 'plugins', id), { recursive: true });
      await writeFile(join(root, 'plugins', id, 'plugin.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      await writeFile(join(root, 'plugins', id, 'index.ts'), entrySource);
    },
    removePlugin: (id) => rm(join(root, 'plugins', id), { recursive: true, force: true }),
    orch(args, env = {}) {
      return new Promise((resolve) => {
        execFile(
          process.execPath,
          [join(root, 'bin', 'orch.js'), ...args],
          { env: { ...process.env, ORCH_HOME: home, ...env }, timeout: 60_000 },
          (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
        );
      });
    },
    async cleanup() {
      await rm(root, { recursive: true, force: true });
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Entry source of a minimal plugin contributing one command that prints `text`. */
export function echoPluginSource(command: string, text: string): string {
  return `import { inject, injectable } from 'inversify';
import { CliCommand, definePlugin, Logger, type CommandIO } from '../../kernel/index.js';

@injectable()
class Echo implements CliCommand {
  readonly name = '${command}';
  constructor(@inject(Logger) private readonly logger: Logger) {}
  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    this.logger.info('echo ran', { category: 'echo', params: { token: 'secret-value', who: args.who } });
    if (io.json) io.printJson({ text: '${text}', who: args.who ?? null });
    else io.out('${text}' + (args.who ? ' ' + String(args.who) : ''));
    return 0;
  }
}

export default definePlugin({
  bindings({ bind }) {
    bind(Echo).toSelf();
    bind(CliCommand).toService(Echo);
  },
});
`;
}

import { join, resolve } from 'node:path';
import type { Paths } from '../contracts/paths.js';
import { projectRootOf } from '../project-root.js';

/** The Orch installation (from the source or from `dist/`). */
export const PROJECT_ROOT = projectRootOf(import.meta.url);

/** `--home` wins over `ORCH_HOME`; the default is the project root. */
export function resolveHome(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.ORCH_HOME ?? PROJECT_ROOT);
}

export function createPaths(home: string, projectRoot = PROJECT_ROOT): Paths {
  const stateDir = join(home, 'state');
  const configDir = join(home, 'config');
  return {
    projectRoot,
    home,
    configDir,
    stateDir,
    logsDir: join(home, 'logs'),
    builtinPluginsDir: join(projectRoot, 'plugins'),
    logFile: join(home, 'logs', 'app.jsonl'),
    config: (name) => join(configDir, name),
    state: (...segments) => join(stateDir, ...segments),
  };
}

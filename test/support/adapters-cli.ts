import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ORCH = fileURLToPath(new URL('../../bin/orch.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `orch <args> --home <home>` as a user would (a real child process, no colours). */
export function orchCli(home: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ORCH, ...args, '--home', home], { env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

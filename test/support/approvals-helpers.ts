import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NewApprovalRequest } from '../../plugins/approvals/api/index.js';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const orchBin = join(projectRoot, 'bin', 'orch.js');

/** A valid request for run `runId`; `key` defaults to the node id. */
export function sampleRequest(overrides: Partial<NewApprovalRequest> = {}): NewApprovalRequest {
  const nodeId = overrides.nodeId ?? 'deploy';
  return {
    runId: 'run-1',
    nodeId,
    planId: 'release',
    planVersion: 2,
    key: overrides.key ?? nodeId,
    title: 'Deploy to production',
    prompt: 'Ship build 42 to production?',
    riskLevel: 'high',
    requestedBy: 'planner',
    context: { type: 'local_task:script', params: { command: 'deploy.sh', token: 'secret-token-value' } },
    ...overrides,
  };
}

export interface OrchResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (`node bin/orch.js … --home <home>`) as a user would; never inherits ORCH_HOME. */
export function runOrch(home: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<OrchResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ORCH_OPERATOR: 'cli-user', ...env };
  delete childEnv.ORCH_HOME;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [orchBin, ...args, '--home', home],
      { cwd: projectRoot, env: childEnv, timeout: 90_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** Polls `check` every 25 ms until it returns a value other than undefined, at most `limit` tries. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, limit = 400): Promise<T> {
  for (let i = 0; i < limit; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

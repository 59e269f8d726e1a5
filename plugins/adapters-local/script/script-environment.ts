import { ALWAYS_INHERITED } from './script-params.js';

export interface ScriptIdentity {
  runId: string;
  nodeId: string;
  attempt: number;
  idempotencyKey: string;
  workspaceRoot: string;
}

/**
 * The environment a script sees: nothing of Orch's own environment (API keys, tokens) except the
 * basic variables and the names the node lists in `inheritEnv`, then the node's `env`, then the
 * ORCH_* facts a script may need to deduplicate its side effects after a crash.
 */
export function scriptEnvironment(
  own: NodeJS.ProcessEnv,
  inheritEnv: readonly string[],
  env: Record<string, string>,
  identity: ScriptIdentity,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...ALWAYS_INHERITED, ...inheritEnv]) {
    const value = own[name];
    if (value !== undefined) out[name] = value;
  }
  Object.assign(out, env);
  out.ORCH_RUN_ID = identity.runId;
  out.ORCH_NODE_ID = identity.nodeId;
  out.ORCH_ATTEMPT = String(identity.attempt);
  out.ORCH_IDEMPOTENCY_KEY = identity.idempotencyKey;
  out.ORCH_WORKSPACE = identity.workspaceRoot;
  return out;
}

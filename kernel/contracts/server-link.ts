/**
 * How one-shot CLI commands reach the long-running process. Bound by the server plugin (core
 * profile); commands that act on runs, approvals, the bridge or agents go through it when a live
 * server exists and work directly on the JSON files otherwise — and say which.
 */
export interface ServerLocation {
  baseUrl: string;
  pid: number;
  port: number;
  startedAt: string;
}

export interface ServerLink {
  /** The live server named by `state/server.json`, or undefined (no file, dead pid, not answering). */
  locate(): Promise<ServerLocation | undefined>;
  /**
   * A REST call to `/api<path>`; error replies are thrown as `OrchError` with the server's code and
   * message; an unreachable server is `unavailable`.
   */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}
export const ServerLink = Symbol.for('orch.ServerLink');

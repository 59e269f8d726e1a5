import { z } from 'zod';

/**
 * How one-shot CLI commands reach the long-running process. Bound by the server plugin (core
 * profile); commands that act on runs, approvals, the bridge or agents go through it when a live
 * server exists and work directly on the JSON files otherwise — and say which.
 */

/** Path of the WebSocket event stream on the server. */
export const EVENTS_PATH = '/api/events';

/** `state/server.json`, written atomically by the server once it listens and removed on a graceful stop. */
export const ServerLocationSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string().min(1),
  /** The port actually bound (config port 0 → the one the OS picked). */
  port: z.number().int().min(1).max(65535),
  baseUrl: z.string().url(),
  startedAt: z.string(),
  /** The home folder the server serves; a server of another home is never used. */
  home: z.string(),
  kernelVersion: z.string(),
});
export type ServerLocation = z.infer<typeof ServerLocationSchema>;

export interface ServerRequestOptions {
  /** Give up after this long (`timeout`); no limit by default, since a run may be waited for. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ServerLink {
  /**
   * The live server named by `state/server.json`, or undefined (no file, dead pid, or its
   * `/api/health` does not answer for this home within a short timeout).
   */
  locate(): Promise<ServerLocation | undefined>;
  /**
   * A REST call to `/api<path>` with the operator and `x-orch-client: cli`; error replies are thrown
   * as `OrchError` with the server's code, message and details; an unreachable server is
   * `unavailable`, with a message telling the user to check the server and its MCP servers.
   */
  request<T = unknown>(method: string, path: string, body?: unknown, options?: ServerRequestOptions): Promise<T>;
}
export const ServerLink = Symbol.for('orch.ServerLink');

/**
 * What a client needs to draw the current picture before events arrive: one key per status section
 * that a plugin contributes (`bridges`, `runs`, `approvals`, …), `null` when the plugin behind a
 * section is not loaded, plus the sections that could not be read.
 */
export const OrchSnapshotSchema = z
  .object({
    /** Sections that could not be read, with the reason (e.g. a malformed state file). */
    problems: z.array(z.object({ section: z.string(), message: z.string() })),
  })
  .catchall(z.unknown());
export type OrchSnapshot = z.infer<typeof OrchSnapshotSchema>;

/** Which server process sent a message: a client that reconnects to another instance must start afresh. */
export const ServerInstanceSchema = z.object({ id: z.string(), pid: z.number().int(), startedAt: z.string() });
export type ServerInstance = z.infer<typeof ServerInstanceSchema>;

/**
 * The first WebSocket message on `/api/events`; every later message is an `OrchEvent` unchanged.
 * `lastSeq` is the bus sequence number the snapshot reflects (events that follow may repeat it).
 */
export const SnapshotMessageSchema = OrchSnapshotSchema.extend({
  type: z.literal('snapshot'),
  time: z.string(),
  lastSeq: z.number().int().nonnegative(),
  /** The topic filter in effect (`null` = every event). */
  topics: z.array(z.string()).nullable(),
  instance: ServerInstanceSchema,
  /**
   * `events`: the events after the client's `?since` follow this snapshot before live ones (same
   * instance, still in the journal); `none`: no catch-up — the snapshot is the new starting point.
   */
  replay: z.enum(['events', 'none']),
  /** Period of the `{ type: "heartbeat" }` messages: a client may treat a few periods of silence as a lost connection. */
  heartbeatMs: z.number().int().positive(),
});
export type SnapshotMessage = z.infer<typeof SnapshotMessageSchema>;

/** `GET /api/status` and `orch status --json`. */
export const ServerStatusSchema = OrchSnapshotSchema.extend({
  server: z.union([
    ServerLocationSchema.extend({ state: z.literal('up'), uptimeMs: z.number().nonnegative(), wsClients: z.number().int().nonnegative() }),
    z.object({ state: z.literal('down'), home: z.string(), reason: z.string() }),
  ]),
  /** `server`: read through the live server's REST API; `direct`: read from the files by this process. */
  source: z.enum(['server', 'direct']),
});
export type ServerStatus = z.infer<typeof ServerStatusSchema>;

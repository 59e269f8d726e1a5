import { z } from 'zod';

/** The `server` section of `config/orch.json`, owned by this plugin. */
export const ServerSettingsSchema = z.strictObject({
  /** Loopback by default; binding elsewhere must be written here on purpose. */
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(7420),
  /** Largest request body the REST API accepts, in bytes (larger → 413). */
  bodyLimitBytes: z.number().int().positive().default(1_048_576),
  /** WebSocket ping: a client that has not answered the previous ping by the next one is dropped. */
  heartbeatMs: z.number().int().min(50).default(30_000),
  /** Application-level `heartbeat` message to every client (browsers cannot see pings). */
  clientHeartbeatMs: z.number().int().min(50).default(5_000),
  /** Events kept in memory for clients that reconnect with `?since` (same server instance). */
  eventJournalSize: z.number().int().min(0).default(10_000),
  /** A WebSocket client with more unsent bytes than this is dropped rather than slowing runs. */
  maxClientBufferBytes: z.number().int().positive().default(8_388_608),
  /** How long a graceful stop waits for requests in flight before closing their connections. */
  shutdownGraceMs: z.number().int().nonnegative().default(5_000),
  /** Check every reply against its route's declared response schema (tests and development; a mismatch is a 500). */
  checkResponses: z.boolean().default(false),
  /** Folder of the built web GUI, relative to the project (served at `/`). */
  guiDir: z.string().min(1).optional(),
});
export type ServerSettings = z.output<typeof ServerSettingsSchema>;
export const ServerSettings = Symbol.for('orch.server.ServerSettings');

import { z } from 'zod';

/** `config/orch.json`. Every field has a documented default, so the file may be absent. */
export const OrchConfigSchema = z.strictObject({
  server: z
    .strictObject({
      /** Loopback by default; binding elsewhere must be written here on purpose. */
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(7420),
      /** Largest request body the REST API accepts, in bytes (larger → 413). */
      bodyLimitBytes: z.number().int().positive().default(1_048_576),
      /** WebSocket heartbeat: a client that has not answered the previous ping by the next one is dropped. */
      heartbeatMs: z.number().int().min(50).default(30_000),
      /** A WebSocket client with more unsent bytes than this is dropped rather than slowing runs. */
      maxClientBufferBytes: z.number().int().positive().default(8_388_608),
      /** How long a graceful stop waits for requests in flight before closing their connections. */
      shutdownGraceMs: z.number().int().nonnegative().default(5_000),
    })
    .prefault({}),
  plugins: z
    .strictObject({
      /** Profiles selected when no `--plugins` flag is given (`core` is always on). */
      profiles: z.array(z.enum(['business', 'ops'])).default(['business']),
      /** Third-party plugin packages: npm names or paths relative to the home folder. */
      packages: z.array(z.string().min(1)).default([]),
      /** Plugin ids never loaded, even when their profile is selected. */
      disabled: z.array(z.string()).default([]),
    })
    .prefault({}),
  workspace: z
    .strictObject({
      /** Folder that scripts and file tasks are confined to, relative to the home folder. */
      root: z.string().min(1).default('workspace'),
    })
    .prefault({}),
  logging: z
    .strictObject({
      level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    })
    .prefault({}),
});
export type OrchConfig = z.output<typeof OrchConfigSchema>;

/**
 * Validated configuration files under `config/`. Plugins own the schemas of their own files
 * (`mcp.servers.json`, `models.json`, `services.json`) and read them through `load`.
 */
export interface Config {
  readonly orch: OrchConfig;
  /** The absolute workspace root that scripts and file tasks are confined to. */
  readonly workspaceRoot: string;
  /**
   * Reads `config/<name>` through `schema`. A missing file yields `schema.parse(defaults)`;
   * a malformed one throws `invalid_input` naming the file and field.
   */
  load<S extends z.ZodType>(name: string, schema: S, defaults: z.input<S>): Promise<z.output<S>>;
}
export const Config = Symbol.for('orch.Config');

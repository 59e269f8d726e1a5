import { z } from 'zod';

/**
 * `config/orch.json`. The kernel owns `plugins` and `logging`; every other top-level key is a
 * section that a plugin declares in its manifest (`contributes.configSections`) and reads with its
 * own schema through `Config.section`. Every field has a documented default, so the file may be absent.
 */
export const OrchConfigSchema = z
  .object({
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
    logging: z
      .strictObject({
        level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      })
      .prefault({}),
  })
  .catchall(z.unknown());
/** The sections of `config/orch.json` the kernel itself reads. */
export const KERNEL_CONFIG_SECTIONS = ['plugins', 'logging'] as const;
export type OrchConfig = z.output<typeof OrchConfigSchema>;

/**
 * Validated configuration files under `config/`. Plugins own the schemas of their own files
 * (`mcp.servers.json`, `models.json`, `services.json`) and read them through `load`.
 */
export interface Config {
  readonly orch: OrchConfig;
  /**
   * A plugin's section of `config/orch.json` through its schema (absent → the schema's defaults); a
   * malformed one throws `invalid_input` naming the file and the field (`server.port`).
   */
  section<S extends z.ZodType>(name: string, schema: S): z.output<S>;
  /**
   * Reads `config/<name>` through `schema`. A missing file yields `schema.parse(defaults)`;
   * a malformed one throws `invalid_input` naming the file and field.
   */
  load<S extends z.ZodType>(name: string, schema: S, defaults: z.input<S>): Promise<z.output<S>>;
}
export const Config = Symbol.for('orch.Config');

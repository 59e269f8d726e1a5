import { z } from 'zod';

/** Plugin ids are lower-case words joined by dashes, so they are safe as folder names and log fields. */
export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Command names keep the seed's colon style: `plan:dry-run`, `agents:config:list`. */
export const COMMAND_NAME_PATTERN = /^[a-z][a-z0-9-]*(?::[a-z][a-z0-9-]*)*$/;

export const PROFILES = ['core', 'business', 'ops'] as const;
export type Profile = (typeof PROFILES)[number];

const OptionType = z.enum(['string', 'number', 'boolean', 'array']);

/** A yargs option, declared in the manifest so `--help` never imports plugin code. */
export const CommandOptionSchema = z.strictObject({
  type: OptionType,
  description: z.string().min(1),
  alias: z.string().optional(),
  default: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]).optional(),
  choices: z.array(z.string()).optional(),
  demandOption: z.boolean().optional(),
});
export type CommandOption = z.infer<typeof CommandOptionSchema>;

export const CommandPositionalSchema = z.strictObject({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]*$/),
  description: z.string().min(1),
  type: z.enum(['string', 'number']).default('string'),
  required: z.boolean().default(true),
  variadic: z.boolean().default(false),
});
export type CommandPositional = z.infer<typeof CommandPositionalSchema>;

export const CommandContributionSchema = z.strictObject({
  name: z.string().regex(COMMAND_NAME_PATTERN, 'command names are lower-case words joined by ":" (e.g. plan:dry-run)'),
  description: z.string().min(1),
  positionals: z.array(CommandPositionalSchema).default([]),
  options: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]*$/), CommandOptionSchema).default({}),
  examples: z.array(z.tuple([z.string(), z.string()])).default([]),
  /**
   * Which plugins the command needs loaded: `plugin` (this plugin and what it requires) or
   * `all` (every selected plugin, e.g. a dry run that must see every node adapter).
   */
  loads: z.enum(['plugin', 'all']).default('plugin'),
});
export type CommandContribution = z.infer<typeof CommandContributionSchema>;

export const NodeTypeContributionSchema = z.strictObject({
  type: z.string().regex(/^[a-z][a-z0-9_]*$/),
  /** For `local_task`, the `kind` this adapter serves. */
  kind: z.string().regex(/^[a-z][a-z0-9_-]*$/).optional(),
  description: z.string().min(1),
});

/** A relative path inside the plugin folder: no absolute paths, no `..` segments. */
const InsidePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'a path inside the plugin folder (no leading "/", no "..")');

/** A GUI panel of the plugin's browser module (see docs/plugins.md: panels). */
export const PanelContributionSchema = z.strictObject({
  id: z.string().regex(PLUGIN_ID_PATTERN),
  title: z.string().min(1),
  description: z.string().optional(),
  /** Where the shell shows it: a page of its own (`main`), beside one (`sidebar`), or the status bar. */
  slot: z.enum(['main', 'sidebar', 'status']).default('main'),
  order: z.number().int().default(100),
  /** The `@orch/gui-sdk` major the panel was built against; the shell refuses another one with a clear card. */
  apiVersion: z.number().int().positive(),
  /** First path segment of the panel's deep links (`/runs/<id>` → `runs`); the id by default. */
  route: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(),
  /** Optional icon name for the navigation. */
  icon: z.string().max(32).optional(),
});

/** Browser assets: a folder served at `/plugins/<id>/<version>/`, its ES module and optional CSS. */
export const GuiContributionSchema = z.strictObject({
  assets: InsidePath,
  module: InsidePath,
  css: InsidePath.optional(),
  panels: z.array(PanelContributionSchema).min(1),
});

/** A section of the status snapshot (`orch status`, `/api/status`, the WebSocket's first message). */
export const StatusSectionContributionSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-zA-Z0-9]*$/),
  /** Label in `orch status`. */
  title: z.string().min(1),
  order: z.number().int().default(100),
});

/** Service ids are `orch.<Name>` for the built-in ones; third parties use their own prefix. */
const ServiceId = z.string().regex(/^[a-z][a-z0-9-]*\.[A-Za-z][A-Za-z0-9.]*$/, 'a service id such as orch.PlanStore');

export const RouteContributionSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().startsWith('/'),
  description: z.string().optional(),
});

export const PluginManifestSchema = z.strictObject({
  id: z.string().regex(PLUGIN_ID_PATTERN, 'plugin ids are lower-case words joined by "-" (e.g. mcp-bridge)'),
  version: z.string().regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, 'a semantic version such as 1.0.0'),
  description: z.string().default(''),
  /** A semver range the running kernel version must satisfy, e.g. `^0.1.0`. */
  kernel: z.string().min(1),
  requires: z.array(z.string().regex(PLUGIN_ID_PATTERN)).default([]),
  /**
   * Plugins whose `api/` this one uses when they are loaded (optional injection): never a reason to
   * refuse it, and no load order implied, so two plugins may use each other's contracts.
   */
  uses: z.array(z.string().regex(PLUGIN_ID_PATTERN)).default([]),
  profiles: z.array(z.enum(PROFILES)).min(1),
  /** Entry module relative to the plugin folder; its default export is a `definePlugin(...)` value. */
  entry: z.string().min(1),
  contributes: z
    .strictObject({
      commands: z.array(CommandContributionSchema).default([]),
      nodeTypes: z.array(NodeTypeContributionSchema).default([]),
      routes: z.array(RouteContributionSchema).default([]),
      gui: GuiContributionSchema.optional(),
      statusSections: z.array(StatusSectionContributionSchema).default([]),
      /** Top-level keys of `config/orch.json` this plugin owns (it validates them with its own schema). */
      configSections: z.array(z.string().regex(/^[a-z][a-zA-Z0-9]*$/)).default([]),
    })
    .prefault({}),
  /**
   * Services (container ids, `Symbol.for(id)`) the plugin binds and the ones it needs: the kernel
   * checks at boot that each provided id is bound and each consumed one is provided by a loaded plugin.
   * `optional` ones are used when present.
   */
  services: z
    .strictObject({
      provides: z.array(ServiceId).default([]),
      consumes: z.array(ServiceId).default([]),
      optional: z.array(ServiceId).default([]),
    })
    .prefault({}),
});
export type PluginManifest = z.infer<typeof PluginManifestSchema>;

/** Where a manifest came from: a folder under `plugins/`, or a package listed in `config/orch.json`. */
export interface DiscoveredPlugin {
  manifest: PluginManifest;
  /** The manifest file (plugin.json or package.json). */
  manifestFile: string;
  /** The folder entry paths resolve against. */
  root: string;
  source: 'builtin' | 'package';
}

/** A plugin that could not be used, with the reason a person can act on. */
export interface RefusedPlugin {
  id: string;
  manifestFile: string;
  reason: string;
}

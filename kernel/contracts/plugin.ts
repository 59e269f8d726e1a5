import type { ContainerModuleLoadOptions, ServiceIdentifier } from 'inversify';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Paths } from './paths.js';
import type { PluginManifest } from './plugin-manifest.js';
import type { ProcessContext } from './process-context.js';

/** What a plugin knows about itself and the kernel while it binds its services. */
export interface PluginContext {
  readonly manifest: PluginManifest;
  /** The plugin's folder. */
  readonly root: string;
  readonly paths: Paths;
  readonly config: Config;
  readonly process: ProcessContext;
  /** Logger with `category` = the plugin id. */
  readonly logger: Logger;
}

/** The container, read-only, for lifecycle hooks. */
export interface ServiceResolver {
  get<T>(token: ServiceIdentifier<T>): T;
  getAll<T>(token: ServiceIdentifier<T>): T[];
  isBound(token: ServiceIdentifier): boolean;
}

export interface PluginRuntime extends PluginContext {
  readonly services: ServiceResolver;
}

/**
 * The default export of a plugin's entry module. `bindings` is synchronous (Inversify modules are);
 * async work belongs in the lifecycle phases, which the kernel runs plugin by plugin in dependency
 * order (stop in reverse), each isolated: a phase that throws is logged with the plugin id and the
 * other plugins go on.
 */
export interface PluginDefinition {
  bindings?(options: ContainerModuleLoadOptions, context: PluginContext): void;
  configure?(runtime: PluginRuntime): void | Promise<void>;
  start?(runtime: PluginRuntime): void | Promise<void>;
  stop?(runtime: PluginRuntime): void | Promise<void>;
}

/** Identity function that gives plugin authors type checking. */
export function definePlugin(definition: PluginDefinition): PluginDefinition {
  return definition;
}

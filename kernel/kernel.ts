import 'reflect-metadata';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Container, ContainerModule, type ServiceIdentifier } from 'inversify';
import { Config } from './contracts/config.js';
import { EventBus, EventSubscriber } from './contracts/event-bus.js';
import { EventCatalog } from './contracts/event-catalog.js';
import { EventContribution, topicOf } from './contracts/events.js';
import { JsonStore } from './contracts/json-store.js';
import { Logger } from './contracts/logger.js';
import { Paths } from './contracts/paths.js';
import { PluginCatalog, type PluginCatalogEntry } from './contracts/plugin-catalog.js';
import { PROFILES, type DiscoveredPlugin } from './contracts/plugin-manifest.js';
import type { PluginContext, PluginDefinition, PluginRuntime, ServiceResolver } from './contracts/plugin.js';
import { ProcessContext } from './contracts/process-context.js';
import { importEntry } from './entry-module.js';
import { describeError } from './errors.js';
import { discoverPlugins } from './plugin-discovery.js';
import { selectPlugins } from './plugin-selection.js';
import { FileConfig } from './services/config.js';
import { ContributedEventCatalog } from './services/event-catalog.js';
import { checkServices } from './services/service-check.js';
import { InProcessEventBus } from './services/event-bus.js';
import { FileJsonStore } from './services/json-store.js';
import { createFileLogger } from './services/logger.js';
import { createPaths, resolveHome } from './services/paths.js';
import { KERNEL_VERSION } from './version.js';

export interface BootOptions {
  /** `--home`; else `ORCH_HOME`; else the project root. */
  home?: string;
  role: ProcessContext['role'];
  operator?: string;
  json?: boolean;
  /** Profiles and plugin ids from `--plugins` (e.g. `business,ops,my-plugin`); config default when absent. */
  plugins?: string[];
  /** Load only these plugins (plus core and their requirements): a CLI command's scope. */
  only?: string[];
  /** `--port` of `orch start`: overrides `server.port` of config/orch.json. */
  port?: number;
  /** Another built-in plugin folder (tests). */
  pluginsDir?: string;
}

type Phase = 'configure' | 'start' | 'stop';

interface LoadedPlugin {
  plugin: DiscoveredPlugin;
  definition: PluginDefinition;
  context: PluginContext;
  failed?: string;
}

/**
 * The kernel: discovers manifests, selects and orders plugins, builds one Inversify container from
 * their modules and runs their lifecycle phases, each plugin isolated from the others' failures.
 */
export class Kernel {
  readonly container: Container;
  private readonly loaded: LoadedPlugin[] = [];
  private readonly catalog: PluginCatalogEntry[] = [];
  private started = false;
  private stopping?: Promise<void>;

  private constructor(
    readonly paths: Paths,
    readonly config: FileConfig,
    readonly logger: Logger,
    readonly bus: EventBus,
    readonly process: ProcessContext,
    private readonly shutdown: AbortController,
  ) {
    this.container = new Container({ defaultScope: 'Singleton' });
  }

  static async boot(options: BootOptions): Promise<Kernel> {
    const basePaths = createPaths(resolveHome(options.home));
    const paths = options.pluginsDir ? { ...basePaths, builtinPluginsDir: options.pluginsDir } : basePaths;
    const config = await FileConfig.load(paths, options.port !== undefined ? { server: { port: options.port } } : {});
    const operator = options.operator ?? process.env.ORCH_OPERATOR ?? safeUserName();
    const logger = createFileLogger({ file: paths.logFile, level: config.orch.logging.level, operator });
    const bus = new InProcessEventBus(logger.child({ category: 'events' }));
    const shutdown = new AbortController();
    const processContext = {
      operator,
      role: options.role,
      json: options.json ?? false,
      shutdownSignal: shutdown.signal,
      kernelVersion: KERNEL_VERSION,
    };
    const kernel = new Kernel(paths, config, logger, bus, processContext, shutdown);
    kernel.bindCoreServices();
    await kernel.loadPlugins(options);
    return kernel;
  }

  private bindCoreServices(): void {
    const c = this.container;
    c.bind(Paths).toConstantValue(this.paths);
    c.bind(Config).toConstantValue(this.config);
    c.bind(Logger).toConstantValue(this.logger);
    c.bind(EventBus).toConstantValue(this.bus);
    c.bind(JsonStore).to(FileJsonStore);
    c.bind(ProcessContext).toConstantValue(this.process);
    c.bind(PluginCatalog).toConstantValue({ entries: () => [...this.catalog] });
    c.bind(EventCatalog).toDynamicValue(() => {
      const catalog = new ContributedEventCatalog(this.resolveAll<EventContribution>(EventContribution));
      for (const problem of catalog.problems) this.logger.error(`Events: ${problem}`, { category: 'plugins' });
      return catalog;
    });
  }

  private async loadPlugins(options: BootOptions): Promise<void> {
    const discovery = await discoverPlugins(this.paths, this.config.orch, KERNEL_VERSION);
    this.config.checkSections(discovery.plugins.flatMap((p) => p.manifest.contributes.configSections));
    const named = options.plugins ?? this.config.orch.plugins.profiles;
    const profiles = new Set<string>(named.filter((n) => (PROFILES as readonly string[]).includes(n)));
    const selection = selectPlugins(discovery.plugins, {
      profiles,
      include: new Set(named.filter((n) => !profiles.has(n))),
      disabled: new Set(this.config.orch.plugins.disabled),
      only: options.only ? new Set(options.only) : undefined,
    });
    for (const refused of [...discovery.refused, ...selection.refused]) {
      this.logger.warn(`Plugin ${refused.id} refused: ${refused.reason}`, { category: 'plugins', plugin: refused.id });
      const plugin = discovery.plugins.find((p) => p.manifest.id === refused.id);
      const source = refused.manifestFile.endsWith('package.json') ? 'package' : 'builtin';
      const entry: PluginCatalogEntry = plugin
        ? entryOf(plugin, 'refused')
        : { id: refused.id, version: '?', profiles: [], source, manifestFile: refused.manifestFile, status: 'refused' };
      this.catalog.push({ ...entry, reason: refused.reason });
    }
    for (const plugin of selection.notSelected) this.catalog.push(entryOf(plugin, 'not_selected'));

    const failedIds = new Set<string>();
    for (const plugin of selection.ordered) {
      const blocker = plugin.manifest.requires.find((dep) => failedIds.has(dep));
      if (blocker) {
        failedIds.add(plugin.manifest.id);
        this.catalog.push({ ...entryOf(plugin, 'refused'), reason: `requires plugin "${blocker}", which failed to load` });
        continue;
      }
      try {
        this.loaded.push(await this.loadOne(plugin));
        this.catalog.push(entryOf(plugin, 'loaded'));
      } catch (error) {
        failedIds.add(plugin.manifest.id);
        const reason = `failed to load ${join(plugin.root, plugin.manifest.entry)}: ${describeError(error)}`;
        this.logger.error(`Plugin ${plugin.manifest.id} ${reason}`, { category: 'plugins', plugin: plugin.manifest.id });
        this.catalog.push({ ...entryOf(plugin, 'failed'), reason });
      }
    }
    for (const problem of checkServices(this.loaded.map((l) => l.plugin), (id) => this.container.isBound(Symbol.for(id)))) {
      this.logger.error(`Plugin ${problem.pluginId}: ${problem.reason}`, { category: 'plugins', plugin: problem.pluginId });
      this.markFailed(problem.pluginId, problem.reason);
      const item = this.loaded.find((l) => l.plugin.manifest.id === problem.pluginId);
      if (item) item.failed = problem.reason;
    }
  }

  private markFailed(pluginId: string, reason: string): void {
    const entry = this.catalog.find((e) => e.id === pluginId);
    if (entry) Object.assign(entry, { status: 'failed', reason });
  }

  private async loadOne(plugin: DiscoveredPlugin): Promise<LoadedPlugin> {
    const module = (await importEntry(plugin)) as { default?: PluginDefinition };
    const definition = module.default;
    if (!definition || typeof definition !== 'object') {
      throw new Error('its entry module has no default export made with definePlugin()');
    }
    const context: PluginContext = {
      manifest: plugin.manifest,
      root: plugin.root,
      paths: this.paths,
      config: this.config,
      process: this.process,
      logger: this.logger.child({ category: plugin.manifest.id, plugin: plugin.manifest.id }),
    };
    if (definition.bindings) {
      const containerModule = new ContainerModule((bindOptions) => definition.bindings!(bindOptions, context));
      try {
        this.container.load(containerModule);
      } catch (error) {
        this.container.unload(containerModule);
        throw error;
      }
    }
    return { plugin, definition, context };
  }

  /** Runs configure then start for every loaded plugin, and wires `EventSubscriber`s to the bus. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.runPhase('configure');
    for (const subscriber of this.resolveAll<EventSubscriber>(EventSubscriber)) {
      this.bus.subscribe((event) => {
        if (!subscriber.topics || subscriber.topics.includes(event.type) || subscriber.topics.includes(topicOf(event.type))) {
          subscriber.onEvent(event);
        }
      });
    }
    await this.runPhase('start');
  }

  /** Stops plugins in reverse order, once; later calls wait for the first. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.shutdown.abort();
      if (this.started) await this.runPhase('stop');
      await this.logger.flush();
    })();
    return this.stopping;
  }

  plugins(): PluginCatalogEntry[] {
    return [...this.catalog];
  }

  get<T>(token: ServiceIdentifier<T>): T {
    return this.container.get<T>(token);
  }

  resolveAll<T>(token: ServiceIdentifier<T>): T[] {
    return this.container.isBound(token) ? this.container.getAll<T>(token) : [];
  }

  /** The container, read-only, as lifecycle hooks see it. */
  private readonly services: ServiceResolver = {
    get: (token) => this.container.get(token),
    getAll: (token) => this.resolveAll(token),
    isBound: (token) => this.container.isBound(token),
  };

  private async runPhase(phase: Phase): Promise<void> {
    const order = phase === 'stop' ? [...this.loaded].reverse() : this.loaded;
    for (const item of order) {
      const hook = item.definition[phase];
      if (!hook || (item.failed && phase !== 'stop')) continue;
      const runtime: PluginRuntime = { ...item.context, services: this.services };
      try {
        await hook.call(item.definition, runtime);
      } catch (error) {
        item.failed = `${phase} failed: ${describeError(error)}`;
        if (phase !== 'stop') this.markFailed(item.plugin.manifest.id, item.failed);
        this.logger.error(`Plugin ${item.plugin.manifest.id}: ${item.failed}`, {
          category: 'plugins',
          plugin: item.plugin.manifest.id,
          phase,
        });
      }
    }
  }
}

function entryOf(plugin: DiscoveredPlugin, status: PluginCatalogEntry['status']): PluginCatalogEntry {
  return {
    id: plugin.manifest.id,
    version: plugin.manifest.version,
    profiles: plugin.manifest.profiles,
    source: plugin.source,
    manifestFile: plugin.manifestFile,
    status,
    manifest: plugin.manifest,
  };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

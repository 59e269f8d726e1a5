import { inject, injectable, multiInject, optional } from 'inversify';
import { z } from 'zod';
import { Logger, PluginCatalog, type PluginCatalogEntry } from '../../kernel/index.js';
import {
  adapterKey,
  adapterKeyOf,
  COMMON_NODE_FIELDS,
  COMPOSITE_NODE_TYPES,
  isCommonNodeField,
  LEAF_TYPE_PATTERN,
  NodeAdapter,
  openLeafSchema,
  planSchemasFor,
  type LeafNode,
  type LeafTypes,
  type NodeAdapterRegistry,
  type PlanSchemas,
} from './api/index.js';
import { checkAdapterFields } from './validation/leaf-adapter-check.js';

/**
 * The one registry of node adapters (see `NodeAdapterRegistry`). Which plugin contributed an
 * adapter is read from the manifests (`contributes.nodeTypes`) of the loaded plugins, in load order —
 * the order in which their bindings, hence their adapters, were made.
 */
@injectable()
export class AdapterRegistry implements NodeAdapterRegistry {
  private readonly byKey = new Map<string, NodeAdapter>();
  private readonly owners = new Map<string, string>();
  private readonly refused: string[] = [];
  private readonly entries: PluginCatalogEntry[];
  private built?: PlanSchemas;
  private builtForStorage?: PlanSchemas;

  constructor(
    @multiInject(NodeAdapter) @optional() adapters: NodeAdapter[] | undefined,
    @inject(PluginCatalog) catalog: PluginCatalog,
    @inject(Logger) logger: Logger,
  ) {
    this.entries = catalog.entries();
    const declaredBy = new Map<string, string[]>();
    for (const entry of this.entries) {
      if (entry.status !== 'loaded' || !entry.manifest) continue;
      for (const declared of entry.manifest.contributes.nodeTypes) {
        const key = adapterKey(declared);
        declaredBy.set(key, [...(declaredBy.get(key) ?? []), entry.id]);
      }
    }
    const seen = new Map<string, number>();
    for (const adapter of adapters ?? []) {
      const key = adapterKey(adapter);
      const nth = seen.get(key) ?? 0;
      seen.set(key, nth + 1);
      const owner = declaredBy.get(key)?.[nth];
      const problem = malformed(adapter);
      if (problem) {
        this.refused.push(`the node adapter ${JSON.stringify(key)}${owner ? ` of plugin ${owner}` : ''} is refused: ${problem}`);
        continue;
      }
      const first = this.byKey.get(key);
      if (first) {
        const firstOwner = this.owners.get(key);
        this.refused.push(
          `node type ${key} is provided twice: by ${firstOwner ? `plugin ${firstOwner}` : 'a binding no manifest declares'} and by ${owner ? `plugin ${owner}` : 'a binding no manifest declares'}; the second is refused (remove one of the two plugins, or disable it in config/orch.json)`,
        );
        continue;
      }
      this.byKey.set(key, adapter);
      if (owner) this.owners.set(key, owner);
    }
    for (const problem of this.refused) logger.error(`Node adapters: ${problem}`, { category: 'plugins' });
  }

  all(): NodeAdapter[] {
    return [...this.byKey.keys()].sort().map((key) => this.byKey.get(key)!);
  }

  get(key: string): NodeAdapter | undefined {
    return this.byKey.get(key);
  }

  forNode(node: { type: string; kind?: unknown }): NodeAdapter | undefined {
    return this.byKey.get(adapterKeyOf(node));
  }

  asMap(): ReadonlyMap<string, NodeAdapter> {
    return this.byKey;
  }

  kinds(): string[] {
    return this.all()
      .filter((a) => a.type === 'local_task')
      .map((a) => a.kind ?? '')
      .sort();
  }

  leafTypes(): string[] {
    return [...new Set(this.all().map((a) => a.type))].sort();
  }

  pluginOf(key: string): string | undefined {
    return this.owners.get(key);
  }

  problems(): string[] {
    return [...this.refused];
  }

  missingAdapter(node: { type: string; kind?: unknown }): string {
    const kind = typeof node.kind === 'string' ? node.kind : undefined;
    if (node.type === 'local_task') {
      const offering = this.unloadedPluginDeclaring((t) => t.type === 'local_task' && t.kind === kind);
      if (offering) return `no loaded plugin provides local_task kind "${kind}"; enable the ${offering} plugin`;
      const kinds = this.kinds();
      if (kinds.length > 0) return `unknown local_task kind "${kind}"; the loaded plugins provide: ${kinds.join(', ')}`;
      return `no plugin provides local_task nodes (kind "${kind}"); enable the ${this.unloadedPluginDeclaring((t) => t.type === 'local_task') ?? 'adapters-local'} plugin`;
    }
    const offering = this.unloadedPluginDeclaring((t) => t.type === node.type);
    if (offering) return `no plugin provides ${node.type} nodes; enable the ${offering} plugin`;
    return `unknown node type ${JSON.stringify(node.type)}; node types are ${this.typeNames().join(', ')}`;
  }

  get schemas(): PlanSchemas {
    return (this.built ??= planSchemasFor(this.leafTypeSchemas(false)));
  }

  get storageSchemas(): PlanSchemas {
    return (this.builtForStorage ??= planSchemasFor(this.leafTypeSchemas(true)));
  }

  /** Every node type: the composites, then the leaf types served. */
  private typeNames(): string[] {
    return [...COMPOSITE_NODE_TYPES, ...this.leafTypes()];
  }

  /** A plugin that was found but is not loaded and declares such a node type. */
  private unloadedPluginDeclaring(matches: (declared: { type: string; kind?: string }) => boolean): string | undefined {
    return this.entries.find((e) => e.status !== 'loaded' && e.manifest?.contributes.nodeTypes.some(matches))?.id;
  }

  /** Leaf types by their adapters; `keepUnknown`: a well-formed type without one passes as written. */
  private leafTypeSchemas(keepUnknown: boolean): LeafTypes {
    const cache = new Map<string, z.ZodType>();
    return {
      names: this.typeNames(),
      schemaOf: (type, shallow) => {
        const adapter = this.byKey.get(type);
        if (!adapter) return keepUnknown && LEAF_TYPE_PATTERN.test(type) ? openLeafSchema(type) : this.missingAdapter({ type });
        if (shallow) return openLeafSchema(type);
        let schema = cache.get(type);
        if (!schema) cache.set(type, (schema = leafSchema(type, adapter)));
        return schema;
      },
    };
  }
}

/** Why an adapter cannot be registered, or undefined. */
function malformed(adapter: NodeAdapter): string | undefined {
  if (typeof adapter.type !== 'string' || !LEAF_TYPE_PATTERN.test(adapter.type)) {
    return `its type must be lower-case letters, digits and "_" (got ${JSON.stringify(adapter.type)})`;
  }
  if ((COMPOSITE_NODE_TYPES as readonly string[]).includes(adapter.type)) return `"${adapter.type}" is a composite node type of the plans plugin`;
  if (adapter.type === 'local_task' && !(typeof adapter.kind === 'string' && /^[a-z][a-z0-9_-]*$/.test(adapter.kind))) {
    return 'a local_task adapter needs a kind of lower-case letters, digits, "_" and "-"';
  }
  if (adapter.type !== 'local_task' && adapter.kind !== undefined) return 'only local_task adapters have a kind; a new node type is a type of its own';
  if (!adapter.paramsSchema || typeof adapter.paramsSchema.safeParse !== 'function') return 'it has no paramsSchema';
  if (typeof adapter.run !== 'function') return 'it has no run()';
  for (const field of Object.keys(adapter.requiredFields ?? {})) {
    if (!isCommonNodeField(field)) return `requiredFields names "${field}", which is not a common node field`;
  }
  return undefined;
}

/**
 * A node of a type served by `adapter`: the common fields by the Plan schema, the node's own fields
 * by the adapter (defaults applied, in the order the node gives them).
 */
function leafSchema(type: string, adapter: NodeAdapter): z.ZodType {
  const common = z.object({ ...COMMON_NODE_FIELDS, type: z.literal(type) }).catchall(z.unknown());
  return z.unknown().transform((value, ctx) => {
    const base = common.safeParse(value);
    const record = (value ?? {}) as Record<string, unknown>;
    const reported = new Set<string>();
    if (!base.success) {
      for (const issue of base.error.issues) {
        reported.add(issue.path.map(String).join('.'));
        ctx.addIssue(issue as never);
      }
    }
    const own = checkAdapterFields(record, adapter);
    for (const problem of own.problems) {
      if (reported.has(problem.field)) continue;
      ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path, input: value });
    }
    if (!base.success || own.problems.length > 0) return z.NEVER;
    // A template stood where the adapter wanted another type: checked after rendering, at run time.
    if (own.params === undefined || own.params === null || typeof own.params !== 'object' || Array.isArray(own.params)) return base.data;
    return mergeOwnFields(base.data, own.params as Record<string, unknown>);
  });
}

/** The node with its own fields as the adapter parsed them: fields it dropped go, defaults come last. */
function mergeOwnFields(node: Record<string, unknown>, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(node)) {
    if (field === 'type' || isCommonNodeField(field)) out[field] = value;
    else if (Object.hasOwn(params, field)) out[field] = params[field];
  }
  for (const [field, value] of Object.entries(params)) if (!Object.hasOwn(out, field) && value !== undefined) out[field] = value;
  return out;
}

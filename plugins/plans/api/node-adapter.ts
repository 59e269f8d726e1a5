import type { z } from 'zod';
import type { Logger } from '../../../kernel/index.js';
import type { CommonNodeField, LeafNode, PlanSchemas } from './plan.js';
import type { RiskLevel } from './risk-level.js';

/** A finding of a dry run; `path` is relative to the node (e.g. `params.url`). */
export interface DryRunIssue {
  path: string;
  message: string;
  severity?: 'error' | 'warning';
}

export interface DryRunContext<P> {
  node: LeafNode;
  /** Params as written (templates not rendered), already validated by `paramsSchema`. */
  params: P;
  /** Ids of the MCP aliases, agents, services… are checked by the adapter through its own services. */
  logger: Logger;
}

/** Survives restarts: the executor keeps it in the run record (e.g. a timer's target time). */
export interface NodeScratch {
  get<T = unknown>(): T | undefined;
  set(value: unknown): Promise<void>;
}

export interface NodeRunContext<P> {
  runId: string;
  planId: string;
  planVersion: number;
  nodeId: string;
  /**
   * The node as the plan states it. Read only: every run of a plan version in this process shares it
   * (the version's compiled graph is reused), so a change would reach later runs.
   */
  readonly node: Readonly<LeafNode>;
  /** 1 for the first try. */
  attempt: number;
  /** `runId:nodeId:attempt` — lets side effects be deduplicated after a crash. */
  idempotencyKey: string;
  /** Params with `{{ … }}` templates rendered (unless the adapter opts out), validated by `paramsSchema`. */
  params: P;
  /** This node's mapped inputs (`inputs` of the node, evaluated just before the call). */
  vars: Record<string, unknown>;
  /** Aborted on timeout, cancellation or shutdown; adapters must stop promptly. */
  signal: AbortSignal;
  timeoutMs?: number;
  operator: string;
  logger: Logger;
  scratch: NodeScratch;
  reportProgress(progress: number, total?: number, message?: string): void;
}

/**
 * Contribution point: runs one leaf node type (or one `kind` of `local_task`). Leaf types are open:
 * a plugin adds a type by binding an adapter whose `type` is new, and declaring it in its manifest
 * (`contributes.nodeTypes`). The node's own fields (every field but `type` and the common ones; for
 * `local_task`, its `params`) are validated by `paramsSchema` alone — it is their one description,
 * and the Plan JSON Schema is assembled from it. Adapters are stateless singletons; all per-call
 * state is in the context.
 */
export interface NodeAdapter<P = unknown, O = unknown> {
  /** The node type: lower-case letters, digits and "_" (`LEAF_TYPE_PATTERN`), not a composite's name. */
  readonly type: string;
  /** Only for `local_task`: the kind served (`script`, `http`, …). */
  readonly kind?: string;
  readonly paramsSchema: z.ZodType<P>;
  /**
   * Common node fields this type needs, with the message when one is missing or empty (e.g.
   * `{ title: 'an approval needs a title' }`); they stay common fields, outside the params.
   */
  readonly requiredFields?: Partial<Record<CommonNodeField, string>>;
  readonly defaultRiskLevel: RiskLevel;
  /** Risk of one call when it depends on params (a file `delete` is riskier than a `read`). */
  riskOf?(params: P): RiskLevel;
  readonly description: string;
  /** False when templates in params must not be rendered by the executor (e.g. shell strings). */
  readonly renderTemplates?: boolean;
  /** Checks without side effects (does the service exist, is the secret set…). */
  dryRun?(ctx: DryRunContext<P>): Promise<DryRunIssue[]>;
  /** Does the work; the returned JSON value becomes `nodes.<id>`. Throw to fail the attempt. */
  run(ctx: NodeRunContext<P>): Promise<O>;
}
export const NodeAdapter = Symbol.for('orch.NodeAdapter');

/** The registry key: `local_task:script`, `mcp_tool`, … */
export function adapterKey(adapter: Pick<NodeAdapter, 'type' | 'kind'>): string {
  return adapter.type === 'local_task' ? `local_task:${adapter.kind ?? ''}` : adapter.type;
}

/**
 * The node adapters of this process, one per key, and what follows from them: the one place that
 * finds "the adapter of this node" (dry run, executor, node-type catalog) and the Plan schemas with
 * every registered type. Built by the plans plugin from every `NodeAdapter` binding when the
 * plugins start; a key bound twice keeps the first adapter and the second is refused, with an
 * error naming both plugins.
 */
export interface NodeAdapterRegistry {
  /** Every adapter in use, sorted by key. */
  all(): NodeAdapter[];
  get(key: string): NodeAdapter | undefined;
  /** The adapter that runs this node (by type, and kind for `local_task`). */
  forNode(node: { type: string; kind?: unknown }): NodeAdapter | undefined;
  /** key → adapter, for code that keeps a map. */
  asMap(): ReadonlyMap<string, NodeAdapter>;
  /** The `local_task` kinds served, sorted. */
  kinds(): string[];
  /** The leaf types served (`local_task` when any kind is), sorted. */
  leafTypes(): string[];
  /** The plugin whose manifest declares the adapter under `key`, when one does. */
  pluginOf(key: string): string | undefined;
  /** Why a node of this type (and kind) has no adapter, as a sentence a person can act on. */
  missingAdapter(node: { type: string; kind?: unknown }): string;
  /** Adapters refused at boot (duplicate keys, malformed types), as sentences naming the plugins. */
  problems(): string[];
  /**
   * The Plan schemas with these types: a leaf's own fields are checked by its adapter's
   * `paramsSchema` (defaults applied), and a type no adapter serves is refused.
   */
  readonly schemas: PlanSchemas;
  /**
   * Like `schemas`, but a well-formed leaf type no adapter serves is kept as written (its common
   * fields checked): what the plan store saves, so a process without that type's plugin can still
   * store and roll back plans that use it.
   */
  readonly storageSchemas: PlanSchemas;
}
export const NodeAdapterRegistry = Symbol.for('orch.NodeAdapterRegistry');

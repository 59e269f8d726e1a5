import type { z } from 'zod';
import type { Logger } from '../../../kernel/index.js';
import type { LeafNode } from './plan.js';
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
  node: LeafNode;
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
 * Contribution point: runs one kind of leaf node. Registered per `type` (and `kind` for local tasks).
 * Adapters are stateless singletons; all per-call state is in the context.
 */
export interface NodeAdapter<P = unknown, O = unknown> {
  readonly type: LeafNode['type'];
  /** For `local_task`: the kind served (`script`, `http`, …). */
  readonly kind?: string;
  readonly paramsSchema: z.ZodType<P>;
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

import type { EventBus, Logger, OrchEventInput } from '../../../kernel/index.js';
import type { ApprovalStore } from '../../approvals/api/index.js';
import type { NodeRunState } from '../api/index.js';
import type { LeafNode, NodeAdapter, Plan, RiskLevel } from '../../plans/api/index.js';
import { redactSecrets } from '../../../kernel/index.js';
import { adapterKeyOf, adapterParamsOf } from '../../plans/api/index.js';
import { own } from '../graph/own.js';
import type { Placement } from '../graph/plan-compiler.js';
import type { RunStateValues } from '../graph/run-state.js';
import { revealSecretInputs } from './secret-inputs.js';
import type { OperationsLog } from './operations-log.js';
import type { LiveRecord } from './run-records.js';
import type { RunSlots } from './slot-pool.js';

/** Everything the graph nodes of one run share while it executes in this process. */
export interface RunEnvironment {
  plan: Plan;
  live: LiveRecord;
  adapters: ReadonlyMap<string, NodeAdapter>;
  approvals: ApprovalStore | undefined;
  bus: EventBus;
  /** Lines carry `category: executor`, `runId`, `planId`. */
  logger: Logger;
  operationsLog: OperationsLog;
  /** Who acts in this process (started or resumed the run). */
  operator: string;
  /** Aborted when the run is cancelled or the process stops for good; adapters get it. */
  signal: AbortSignal;
  /** This run's share of the process's concurrency slots, with each parallel node's own cap. */
  slots: RunSlots;
}

export const RISK_ORDER: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];

/** `node.riskLevel`, else the adapter's judgement of these params, else its default. */
export function effectiveRisk(node: LeafNode, adapter: NodeAdapter | undefined): RiskLevel {
  if (node.riskLevel) return node.riskLevel;
  if (adapter?.riskOf) {
    const parsed = adapter.paramsSchema.safeParse(adapterParamsOf(node));
    if (parsed.success) {
      try {
        return adapter.riskOf(parsed.data);
      } catch {
        // A risk function that cannot judge these params leaves the default in force.
      }
    }
  }
  return adapter?.defaultRiskLevel ?? 'medium';
}

/** The team rule: `requiresApproval`, else high or critical risk unless the plan waives it with a reason. */
export function requiresApproval(node: LeafNode, adapter: NodeAdapter | undefined): boolean {
  if (node.type === 'human_approval') return true;
  if (node.requiresApproval !== undefined) return node.requiresApproval;
  const risk = effectiveRisk(node, adapter);
  return (risk === 'high' || risk === 'critical') && !node.waiveApproval;
}

export function adapterOf(env: RunEnvironment, node: LeafNode): NodeAdapter | undefined {
  return env.adapters.get(adapterKeyOf(node));
}

/** The position inside enclosing loops (`2`, `2.0`), or undefined outside loops. */
export function iterationOf(placement: Placement, state: RunStateValues): string | undefined {
  if (placement.loops.length === 0) return undefined;
  return placement.loops.map((loop) => String(own(state.loops, loop)?.index ?? 0)).join('.');
}

/** Approval requests are idempotent on (runId, key): one per node and loop position. */
export function approvalKeyOf(node: LeafNode, placement: Placement, state: RunStateValues): string {
  const iteration = iterationOf(placement, state);
  return iteration === undefined ? node.id : `${node.id}@${iteration}`;
}

/** The JSONata scope of the plan header: `{ input, nodes, vars, item, index }`. */
export function scopeOf(state: RunStateValues, placement: Placement, vars: Record<string, unknown> = {}): Record<string, unknown> {
  const innermost = placement.loops[placement.loops.length - 1];
  const frame = innermost ? own(state.loops, innermost) : undefined;
  return {
    input: revealSecretInputs(state.input),
    nodes: state.nodes,
    vars,
    item: frame?.items ? frame.items[frame.index] : undefined,
    index: frame?.index,
  };
}

/** The record entry of a leaf, created on first use. */
export function nodeState(env: RunEnvironment, node: LeafNode): NodeRunState {
  const nodes = env.live.record.nodes;
  // Own properties only: an id such as `constructor` must not find what every object inherits.
  return Object.hasOwn(nodes, node.id) ? nodes[node.id]! : (nodes[node.id] = { status: 'pending', type: node.type, attempts: 0 });
}

export function publish(env: RunEnvironment, event: OrchEventInput): void {
  env.bus.publish(event);
}

/** A one-line, redacted preview of an output for records and events. */
export function summarize(output: unknown, max = 200): string | undefined {
  if (output === undefined) return undefined;
  let text: string;
  try {
    text = typeof output === 'string' ? (redactSecrets(output) as string) : JSON.stringify(redactSecrets(output));
  } catch {
    text = String(output);
  }
  if (text === undefined) return undefined;
  text = text.replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

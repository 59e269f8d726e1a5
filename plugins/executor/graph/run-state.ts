import { Annotation } from '@langchain/langgraph';
import type { ApprovalDecision } from '../../approvals/api/index.js';

/** Where a loop is: `index` counts from 0; `items` holds a `forEach` loop's list. */
export interface LoopFrame {
  index: number;
  items?: unknown[];
}

/**
 * What a gate hands to the node it guards: the person's decision, or `skipped` when an operator
 * chose `run:resume --skip-node` instead of deciding.
 */
export type GateOutcome = (ApprovalDecision & { skipped?: false }) | { skipped: true; operator: string; decidedAt: string };

function merge<T>(current: Record<string, T>, update: Record<string, T>): Record<string, T> {
  return { ...current, ...update };
}

/**
 * The state of a run inside LangGraph, checkpointed after every step. Every channel is a map that
 * nodes add to (merge reducers), so parallel branches never conflict:
 * - `nodes`: each leaf's output by node id (the `nodes` of expressions);
 * - `loops`: the frame of each loop in progress (null once it finished, so it restarts when re-entered);
 * - `routes`: the branch a conditional took (index into `branches`; `branches.length` = else; -1 = none);
 * - `gates`: approval outcomes by approval key (node id plus loop position).
 */
export const RunState = Annotation.Root({
  input: Annotation<Record<string, unknown>>({ reducer: (_current, update) => update, default: () => ({}) }),
  nodes: Annotation<Record<string, unknown>>({ reducer: merge, default: () => ({}) }),
  loops: Annotation<Record<string, LoopFrame | null>>({ reducer: merge, default: () => ({}) }),
  routes: Annotation<Record<string, number>>({ reducer: merge, default: () => ({}) }),
  gates: Annotation<Record<string, GateOutcome>>({ reducer: merge, default: () => ({}) }),
});
export type RunStateValues = typeof RunState.State;
export type RunStateUpdate = typeof RunState.Update;

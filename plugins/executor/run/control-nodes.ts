import { isOrchError } from '../../../kernel/index.js';
import { evaluateExpression, type ConditionalNode, type LoopNode } from '../../plans/api/index.js';
import { own } from '../graph/own.js';
import type { Placement } from '../graph/plan-compiler.js';
import type { RunStateUpdate, RunStateValues } from '../graph/run-state.js';
import { iterationOf, publish, scopeOf, type RunEnvironment } from './run-environment.js';
import { RunFailure } from './run-failure.js';

/**
 * Picks a conditional's branch: the first whose `when` is truthy, else `else`, else none (the run
 * goes on after the conditional). The choice is kept in state so history shows the path taken.
 */
export async function routeConditional(env: RunEnvironment, node: ConditionalNode, placement: Placement, state: RunStateValues): Promise<RunStateUpdate> {
  const scope = scopeOf(state, placement, await varsOf(node, placement, state));
  let chosen = node.else ? node.branches.length : -1;
  for (const [index, branch] of node.branches.entries()) {
    if (truthy(await evaluate(branch.when, scope, `node "${node.id}" branches.${index}.when`, node.id))) {
      chosen = index;
      break;
    }
  }
  env.logger.debug(`Conditional ${node.id} took ${chosen === -1 ? 'no branch' : chosen === node.branches.length ? 'else' : `branch ${chosen}`}`, {
    nodeId: node.id,
  });
  const branch = chosen === -1 ? 'none' : chosen === node.branches.length ? 'else' : `branches.${chosen}`;
  const branchNodeId = chosen === -1 ? undefined : chosen === node.branches.length ? node.else?.id : node.branches[chosen]?.then.id;
  const iteration = iterationOf(placement, state);
  const composites = (env.live.record.composites ??= {});
  composites[node.id] = {
    type: 'conditional',
    ...(iteration !== undefined ? { iteration } : {}),
    branch,
    ...(branchNodeId !== undefined ? { branchNodeId } : {}),
    updatedAt: new Date().toISOString(),
  };
  await env.live.changed();
  publish(env, {
    type: 'node.branch',
    runId: env.live.record.runId,
    nodeId: node.id,
    branch,
    branchIndex: chosen,
    ...(branchNodeId !== undefined ? { branchNodeId } : {}),
    ...(iteration !== undefined ? { iteration } : {}),
  });
  return { routes: { [node.id]: chosen } };
}

/**
 * Starts or advances a loop. `forEach` evaluates its list once, on entry; `while` is evaluated
 * before every iteration with `index` = the iteration about to run. A `forEach` list longer than
 * `maxIterations`, or a `while` still true after `maxIterations` iterations, fails the run: the
 * limit exists to stop runaway loops, and stopping silently would hide one.
 */
export async function advanceLoop(env: RunEnvironment, node: LoopNode, placement: Placement, state: RunStateValues): Promise<RunStateUpdate> {
  const frame = own(state.loops, node.id);
  const index = frame ? frame.index + 1 : 0;
  const vars = await varsOf(node, placement, state);
  if (node.forEach !== undefined) {
    const items = frame?.items ?? asList(await evaluate(node.forEach, scopeOf(state, placement, vars), `node "${node.id}" forEach`, node.id));
    if (items.length > node.maxIterations) {
      throw new RunFailure(`loop "${node.id}" has ${items.length} items, more than its maxIterations (${node.maxIterations})`, node.id);
    }
    env.logger.debug(`Loop ${node.id} ${index < items.length ? `iteration ${index} of ${items.length}` : 'done'}`, { nodeId: node.id });
    await recordLoop(env, node, placement, state, index, index >= items.length, items.length);
    return { loops: { [node.id]: index < items.length ? { index, items } : null } };
  }
  const scope = { ...scopeOf(state, placement, vars), index };
  const goOn = truthy(await evaluate(node.while!, scope, `node "${node.id}" while`, node.id));
  if (goOn && index >= node.maxIterations) {
    throw new RunFailure(`loop "${node.id}" is still running after maxIterations (${node.maxIterations}): its while condition never became false`, node.id);
  }
  env.logger.debug(`Loop ${node.id} ${goOn ? `iteration ${index}` : `done after ${index} iteration(s)`}`, { nodeId: node.id });
  await recordLoop(env, node, placement, state, index, !goOn);
  return { loops: { [node.id]: goOn ? { index } : null } };
}

/**
 * Where the loop is, in the run record (`composites`) and as a `node.iteration` event: `index` is
 * the iteration starting now — or, once `done`, the last one run (`iterations` of them).
 */
async function recordLoop(env: RunEnvironment, node: LoopNode, placement: Placement, state: RunStateValues, next: number, done: boolean, count?: number): Promise<void> {
  const iteration = iterationOf(placement, state);
  const iterations = done ? next : next + 1;
  const index = done ? Math.max(0, next - 1) : next;
  const composites = (env.live.record.composites ??= {});
  composites[node.id] = {
    type: 'loop',
    ...(iteration !== undefined ? { iteration } : {}),
    index,
    ...(count !== undefined ? { count } : {}),
    iterations,
    done,
    updatedAt: new Date().toISOString(),
  };
  await env.live.changed();
  publish(env, {
    type: 'node.iteration',
    runId: env.live.record.runId,
    nodeId: node.id,
    index,
    ...(count !== undefined ? { count } : {}),
    done,
    iterations,
    ...(iteration !== undefined ? { iteration } : {}),
  });
}

/** The node's own `inputs`, evaluated in the scope around it (`vars` in its conditions). */
async function varsOf(node: ConditionalNode | LoopNode, placement: Placement, state: RunStateValues): Promise<Record<string, unknown>> {
  const vars: Record<string, unknown> = {};
  for (const [name, expression] of Object.entries(node.inputs ?? {})) {
    vars[name] = await evaluate(expression, scopeOf(state, placement), `node "${node.id}" inputs.${name}`, node.id);
  }
  return vars;
}

async function evaluate(expression: string, scope: Record<string, unknown>, where: string, nodeId: string): Promise<unknown> {
  try {
    return await evaluateExpression(expression, scope, where);
  } catch (error) {
    // A broken expression is a plan error: retrying cannot fix it, so the run fails with its message.
    if (isOrchError(error)) throw new RunFailure(error.message, nodeId);
    throw error;
  }
}

/** JSONata returns a lone value for a one-element sequence and undefined for none. */
function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.some(truthy);
  return Boolean(value);
}

import type { BaseCheckpointSaver, LangGraphRunnableConfig } from '@langchain/langgraph';
import { adapterKeyOf, type LeafNode, type NodeAdapter, type Plan } from '../../plans/api/index.js';
import { compilePlan, type CompiledPlan } from '../graph/plan-compiler.js';
import { applyGateOutcome, runGate, runHumanApproval } from './approval-gate.js';
import { advanceLoop, routeConditional } from './control-nodes.js';
import { installLeanRunnableContext } from './lean-runnable-context.js';
import { planVersionKey } from './plan-version-key.js';
import { runAdapterLeaf } from './leaf-runner.js';
import { requiresApproval, type RunEnvironment } from './run-environment.js';

/** Compiled graphs kept: runs of the same few plan versions follow one another. */
const GRAPHS_KEPT = 20;
/** Where a run's environment travels in the config of its invocations. */
export const RUN_ENVIRONMENT = '__orch_run_environment';

type CompiledGraph = ReturnType<CompiledPlan['graph']['compile']>;

/** A plan version compiled to a LangGraph graph with its checkpointer, shared by all its runs here. */
export interface RunGraph {
  compiled: CompiledPlan;
  graph: CompiledGraph;
}

/**
 * The compiled graphs of the plan versions this process runs, one per version and checkpointer.
 * Compiling a plan (and LangGraph's `StateGraph.compile`) costs in proportion to its size —
 * about 5 ms for 100 nodes — and a stored version never changes, so a run compiles only the
 * first time its version runs here. The graph's nodes find their run's environment in the
 * invocation's config (`configFor`), never in a closure, so runs of one version can execute at
 * the same time on one graph, as LangGraph intends (one graph, a thread per run).
 */
export class RunGraphs {
  /** By checkpointer (the JSON store, the memory runs' saver), then by plan version, least recently used first. */
  private readonly graphs = new Map<BaseCheckpointSaver, Map<string, RunGraph>>();

  constructor(private readonly adapters: ReadonlyMap<string, NodeAdapter>) {
    // Runs carry their config to LangGraph in a plain object, not a LangSmith RunTree per runnable.
    installLeanRunnableContext(RUN_ENVIRONMENT);
  }

  of(plan: Plan, checkpointer: BaseCheckpointSaver): RunGraph {
    const key = planVersionKey(plan);
    let graphs = this.graphs.get(checkpointer);
    if (!graphs) this.graphs.set(checkpointer, (graphs = new Map()));
    const found = graphs.get(key);
    if (found) {
      // The most recently used last: the first is the one to drop.
      graphs.delete(key);
      graphs.set(key, found);
      return found;
    }
    const compiled = compilePlan(plan.root, handlers, (node: LeafNode) => requiresApproval(node, this.adapters.get(adapterKeyOf(node))));
    const graph: RunGraph = { compiled, graph: compiled.graph.compile({ checkpointer }) };
    graphs.set(key, graph);
    if (graphs.size > GRAPHS_KEPT) graphs.delete(graphs.keys().next().value!);
    return graph;
  }
}

/** The `configurable` a run's invocations carry: its thread and its environment. */
export function configurableFor(runId: string, env: RunEnvironment): Record<string, unknown> {
  return { thread_id: runId, [RUN_ENVIRONMENT]: env };
}

function environmentOf(config: LangGraphRunnableConfig): RunEnvironment {
  const env = config.configurable?.[RUN_ENVIRONMENT] as RunEnvironment | undefined;
  if (!env) throw new Error('a graph node ran without its run environment in the config');
  // The run's signal is checked here rather than handed to LangGraph: LangGraph would race every
  // task against it with a listener each (a warning past ten parallel tasks); adapters get it directly.
  env.signal.throwIfAborted();
  return env;
}

const handlers = {
  leaf: async (node, placement, state, config) => {
    const env = environmentOf(config);
    if (node.type === 'human_approval') return runHumanApproval(env, node, placement, state);
    return (await applyGateOutcome(env, node, placement, state)) ?? runAdapterLeaf(env, node, placement, state);
  },
  gate: async (node, placement, state, config) => runGate(environmentOf(config), node, placement, state),
  route: async (node, placement, state, config) => routeConditional(environmentOf(config), node, placement, state),
  loop: async (node, placement, state, config) => advanceLoop(environmentOf(config), node, placement, state),
} satisfies Parameters<typeof compilePlan>[1];

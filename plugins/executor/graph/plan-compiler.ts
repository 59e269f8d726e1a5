import { END, START, StateGraph, type LangGraphRunnableConfig } from '@langchain/langgraph';
import type { ConditionalNode, LeafNode, LoopNode, ParallelNode, PlanNode } from '../../plans/api/index.js';
import { own } from './own.js';
import { RunState, type RunStateUpdate, type RunStateValues } from './run-state.js';

/** Where a plan node sits: the loops and parallels around it, outermost first. */
export interface Placement {
  loops: string[];
  parallels: string[];
}

/**
 * What each kind of graph node does (adapters, approvals, records). Each gets the config of the
 * invocation running it, so one compiled graph can serve every run of a plan version: the run's
 * own parts travel in `config.configurable`.
 */
export interface GraphHandlers {
  /** Runs a leaf (its adapter, or for `human_approval` the request-and-wait itself). */
  leaf(node: LeafNode, placement: Placement, state: RunStateValues, config: LangGraphRunnableConfig): Promise<RunStateUpdate>;
  /** Asks for approval before `node` runs, then pauses with `interrupt()` until someone decides. */
  gate(node: LeafNode, placement: Placement, state: RunStateValues, config: LangGraphRunnableConfig): Promise<RunStateUpdate>;
  /** Picks a conditional's branch (written to `routes`). */
  route(node: ConditionalNode, placement: Placement, state: RunStateValues, config: LangGraphRunnableConfig): Promise<RunStateUpdate>;
  /** Starts or advances a loop (written to `loops`; a null frame ends it). */
  loop(node: LoopNode, placement: Placement, state: RunStateValues, config: LangGraphRunnableConfig): Promise<RunStateUpdate>;
}

export interface CompiledPlan {
  /** The graph before `.compile({ checkpointer })`. */
  graph: StateGraph<typeof RunState.spec>;
  /** LangGraph's recursion limit for this plan: the most steps one pass can take, plus a margin. */
  stepLimit: number;
  placements: Map<string, Placement>;
  /** The plan node a graph node belongs to (`@deploy#gate` → `deploy`). */
  planNodeOf(graphNode: string): string;
}

/**
 * Graph node names, namespaced so that any plan node id works: plan ids never contain `@` or `#`,
 * so `@<id>` can never be a state channel (`input`, `nodes`, …), a LangGraph name (`__start__`,
 * `branch:to:…`) or a property every object has (`constructor`, `toString`) — ids are the user's
 * vocabulary, the graph's names are not.
 */
export const graphNames = {
  node: (id: string) => `@${id}`,
  gate: (id: string) => `@${id}#gate`,
  join: (id: string) => `@${id}#join`,
  branchEnd: (id: string, index: number) => `@${id}#end${index}`,
};

const STEP_MARGIN = 5;

/**
 * Plan → one flat LangGraph `StateGraph`. Leaves become nodes; composites become edges and small
 * routing nodes, wired by continuation: each node is compiled knowing the name of what follows it.
 * - sequence: children chained;
 * - parallel: whatever precedes it has an edge to every child's entry (the children start in the
 *   same step); the children meet at a `#join` barrier that waits for all of them. A child that can end on different nodes (a
 *   conditional, a loop) first reaches its own `#endN` node, so the barrier always hears from every
 *   branch, whichever path it took (a branch routed straight past the join would never arrive);
 * - conditional: a router node records the chosen branch; a conditional edge follows it, and with
 *   no match (and no `else`) goes straight to what follows;
 * - loop: a controller node starts or advances the loop, routing into the body or past it; the
 *   body's end leads back to the controller;
 * - a leaf that needs approval is preceded by a `#gate` node that only asks and interrupts.
 */
export function compilePlan(root: PlanNode, handlers: GraphHandlers, needsGate: (node: LeafNode) => boolean): CompiledPlan {
  const graph = new StateGraph(RunState);
  // LangGraph's builder types track node names statically; plans name their nodes at run time.
  const g = graph as unknown as DynamicGraph;
  const placements = new Map<string, Placement>();
  const owners = new Map<string, string>();

  const addNode = (name: string, planId: string, run: GraphNodeWork): void => {
    g.addNode(name, run);
    owners.set(name, planId);
  };
  const noop = async (): Promise<RunStateUpdate> => ({});

  /** Edges from `from` to every entry of what follows. */
  const wire = (from: string, to: readonly string[]): void => {
    for (const target of to) g.addEdge(from, target);
  };

  /**
   * Compiles `node` so that every path through it ends at `then` (the entries of what follows);
   * returns its own entries — one node, or for a parallel every child's entry (no fork step).
   */
  const compile = (node: PlanNode, then: string[], placement: Placement): string[] => {
    placements.set(node.id, placement);
    switch (node.type) {
      case 'sequence': {
        let next = then;
        for (const child of [...node.children].reverse()) next = compile(child, next, placement);
        return next;
      }
      case 'parallel': {
        const { entries, exit } = compileParallel(node, placement);
        wire(exit, then);
        return entries;
      }
      case 'conditional': {
        const name = graphNames.node(node.id);
        addNode(name, node.id, (state, config) => handlers.route(node, placement, state, config));
        const targets = node.branches.map((branch) => compile(branch.then, then, placement));
        const otherwise = node.else ? compile(node.else, then, placement) : then;
        g.addConditionalEdges(name, (state: RunStateValues) => {
          const chosen = own(state.routes, node.id) ?? -1;
          return chosen >= 0 && chosen < targets.length ? targets[chosen]! : otherwise;
        }, unique([...targets.flat(), ...otherwise]));
        return [name];
      }
      case 'loop': {
        const inner = { loops: [...placement.loops, node.id], parallels: placement.parallels };
        const name = graphNames.node(node.id);
        addNode(name, node.id, (state, config) => handlers.loop(node, placement, state, config));
        const body = compile(node.body, [name], inner);
        g.addConditionalEdges(name, (state: RunStateValues) => (own(state.loops, node.id) ? body : then), unique([...body, ...then]));
        return [name];
      }
      default: {
        const { entry, exit } = compileLeaf(node, placement);
        wire(exit, then);
        return [entry];
      }
    }
  };

  const compileLeaf = (node: LeafNode, placement: Placement): { entry: string; exit: string } => {
    placements.set(node.id, placement);
    const name = graphNames.node(node.id);
    addNode(name, node.id, (state, config) => handlers.leaf(node, placement, state, config));
    if (node.type === 'human_approval' || !needsGate(node)) return { entry: name, exit: name };
    const gate = graphNames.gate(node.id);
    addNode(gate, node.id, (state, config) => handlers.gate(node, placement, state, config));
    g.addEdge(gate, name);
    return { entry: gate, exit: name };
  };

  /** A node whose every path ends on one graph node that the caller wires (leaf, parallel, sequence of them). */
  const compileWithExit = (node: PlanNode, placement: Placement, endName: string): { entries: string[]; exit: string } => {
    placements.set(node.id, placement);
    if (node.type === 'parallel') return compileParallel(node, placement);
    if (node.type === 'sequence') {
      const last = node.children[node.children.length - 1]!;
      const tail = compileWithExit(last, placement, endName);
      let next = tail.entries;
      for (const child of node.children.slice(0, -1).reverse()) next = compile(child, next, placement);
      return { entries: next, exit: tail.exit };
    }
    if (node.type === 'conditional' || node.type === 'loop') {
      addNode(endName, node.id, noop);
      return { entries: compile(node, [endName], placement), exit: endName };
    }
    const { entry, exit } = compileLeaf(node, placement);
    return { entries: [entry], exit };
  };

  /** The children start together from whatever precedes the parallel; a `#join` barrier waits for all. */
  const compileParallel = (node: ParallelNode, placement: Placement): { entries: string[]; exit: string } => {
    const inner = { loops: placement.loops, parallels: [...placement.parallels, node.id] };
    const entries: string[] = [];
    const exits: string[] = [];
    node.children.forEach((child, index) => {
      const compiled = compileWithExit(child, inner, graphNames.branchEnd(node.id, index));
      entries.push(...compiled.entries);
      exits.push(compiled.exit);
    });
    const join = graphNames.join(node.id);
    addNode(join, node.id, noop);
    g.addEdge(exits, join);
    return { entries, exit: join };
  };

  wire(START, compile(root, [END], { loops: [], parallels: [] }));
  return {
    graph,
    stepLimit: stepsOf(root, needsGate) + STEP_MARGIN,
    placements,
    planNodeOf: (name) => owners.get(name) ?? name.replace(/^@/, '').split('#')[0]!,
  };
}

/** The most supersteps one pass through `node` can take (LangGraph counts steps, not nodes). */
export function stepsOf(node: PlanNode, needsGate: (node: LeafNode) => boolean): number {
  switch (node.type) {
    case 'sequence':
      return node.children.reduce((sum, child) => sum + stepsOf(child, needsGate), 0);
    case 'parallel':
      return 1 + Math.max(...node.children.map((child) => stepsOf(child, needsGate) + (endsOnManyNodes(child) ? 1 : 0)));
    case 'conditional':
      return 1 + Math.max(0, ...node.branches.map((b) => stepsOf(b.then, needsGate)), node.else ? stepsOf(node.else, needsGate) : 0);
    case 'loop':
      return 1 + node.maxIterations * (stepsOf(node.body, needsGate) + 1);
    case 'human_approval':
      return 1;
    default:
      return needsGate(node) ? 2 : 1;
  }
}

function endsOnManyNodes(node: PlanNode): boolean {
  if (node.type === 'conditional' || node.type === 'loop') return true;
  if (node.type === 'sequence') return endsOnManyNodes(node.children[node.children.length - 1]!);
  return false;
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

type GraphNodeWork = (state: RunStateValues, config: LangGraphRunnableConfig) => Promise<RunStateUpdate>;

interface DynamicGraph {
  addNode(name: string, run: GraphNodeWork): unknown;
  addEdge(from: string | string[], to: string): unknown;
  addConditionalEdges(from: string, path: (state: RunStateValues) => string | string[], destinations: string[]): unknown;
}

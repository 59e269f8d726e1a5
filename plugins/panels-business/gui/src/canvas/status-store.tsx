import { createContext, useContext, useSyncExternalStore } from 'react';
import type { AttemptRecord, NodeRunState, OrchEvent, TimelineNode } from '@orch/gui-sdk';

/**
 * Live per-node run status, kept out of React Flow's `nodes` array: each canvas node subscribes to
 * its own id, so one status event re-renders one node, not the graph.
 */
export class NodeStatusStore {
  private readonly states = new Map<string, NodeRunState>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly issues = new Map<string, string[]>();
  /** Timeline facts per plan node: attempts (leaves), branch taken and loop position (composites). */
  private readonly timeline = new Map<string, TimelineNode>();
  /** Loop id → the iteration a person picked to look at. */
  private readonly picked = new Map<string, string>();

  get(id: string): NodeRunState | undefined {
    return this.states.get(id);
  }

  issuesOf(id: string): string[] | undefined {
    return this.issues.get(id);
  }

  subscribe(id: string, listener: () => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  private notify(id: string): void {
    for (const listener of this.listeners.get(id) ?? []) listener();
  }

  timelineOf(id: string): TimelineNode | undefined {
    return this.timeline.get(id);
  }

  pickedIteration(loopId: string | undefined): string | undefined {
    return loopId ? this.picked.get(loopId) : undefined;
  }

  private readonly iterationCache = new Map<string, NodeRunState | undefined>();

  /** Stable per (node, iteration, attempts) so useSyncExternalStore sees the same object. */
  iterationState(id: string, iteration: string): NodeRunState | undefined {
    const attempts = this.timeline.get(id)?.attempts ?? [];
    const key = `${id}|${iteration}|${attempts.length}|${attempts.at(-1)?.outcome ?? ''}`;
    if (!this.iterationCache.has(key)) this.iterationCache.set(key, stateInIteration(attempts, iteration));
    return this.iterationCache.get(key);
  }

  /** Loads `GET /api/runs/:runId/timeline` nodes: composites get their status, branch and iterations. */
  loadTimeline(nodes: TimelineNode[]): void {
    for (const node of nodes) {
      const previous = this.timeline.get(node.nodeId);
      this.timeline.set(node.nodeId, node);
      if (JSON.stringify(previous) !== JSON.stringify(node)) this.notify(node.nodeId);
    }
  }

  /** Shows the nodes inside `loopId` as they were in `iteration` (undefined: the latest). */
  pickIteration(loopId: string, iteration: string | undefined, members: string[]): void {
    if (iteration === undefined) this.picked.delete(loopId);
    else this.picked.set(loopId, iteration);
    this.notify(loopId);
    for (const id of members) this.notify(id);
  }

  /** When a live event last set each node's state. */
  private readonly eventTimes = new Map<string, string>();

  /**
   * Takes the run record's states (called whenever the record is read again), except for nodes a
   * live event changed after the record was written (`asOf`, its updatedAt): the record catches up.
   */
  load(nodes: Record<string, NodeRunState>, asOf?: string): void {
    const ids = new Set([...this.states.keys(), ...Object.keys(nodes)]);
    for (const id of ids) {
      const eventTime = this.eventTimes.get(id);
      if (asOf !== undefined && eventTime !== undefined && eventTime > asOf) continue;
      const next = nodes[id];
      const previous = this.states.get(id);
      if (next === previous) continue;
      if (next) this.states.set(id, next);
      else this.states.delete(id);
      if (JSON.stringify(next) !== JSON.stringify(previous)) this.notify(id);
    }
  }

  setIssues(issues: Record<string, string[]>): void {
    const ids = new Set([...this.issues.keys(), ...Object.keys(issues)]);
    this.issues.clear();
    for (const [id, list] of Object.entries(issues)) this.issues.set(id, list);
    for (const id of ids) this.notify(id);
  }

  /** Applies a live node event at once, before the record is read again. */
  apply(event: OrchEvent): void {
    if (!event.nodeId) return;
    const id = event.nodeId;
    const previous = this.states.get(id) ?? { status: 'pending' as const, attempts: 0 };
    let next: NodeRunState | undefined;
    switch (event.type) {
      case 'node.started':
        next = { ...previous, status: 'running', attempts: Number(event.attempt ?? previous.attempts + 1), startedAt: event.time, error: undefined };
        break;
      case 'node.succeeded':
        next = { ...previous, status: 'succeeded', durationMs: Number(event.durationMs), finishedAt: event.time };
        break;
      case 'node.failed':
        next = { ...previous, status: 'failed', error: String(event.error ?? ''), finishedAt: event.time };
        break;
      case 'node.retrying':
        next = { ...previous, status: 'retrying' };
        break;
      case 'node.flagged':
        next = { ...previous, status: 'needs_attention', error: String(event.error ?? '') };
        break;
      case 'node.skipped':
        next = { ...previous, status: 'skipped' };
        break;
      case 'approval.requested':
        next = { ...previous, status: 'waiting_approval' };
        break;
      case 'approval.resolved':
        next = { ...previous, status: event.outcome === 'approved' ? 'succeeded' : 'failed', decidedBy: String(event.operator ?? '') };
        break;
      default:
        return;
    }
    this.states.set(id, next);
    this.eventTimes.set(id, event.time);
    this.notify(id);
  }
}

export const StatusContext = createContext<NodeStatusStore | null>(null);

const STATUS_OF_OUTCOME: Record<AttemptRecord['outcome'], NodeRunState['status']> = {
  succeeded: 'succeeded',
  failed: 'failed',
  retrying: 'retrying',
  skipped: 'skipped',
  cancelled: 'cancelled',
  running: 'running',
};

/** A node's state as it was in one loop iteration, from its kept attempts. */
export function stateInIteration(attempts: AttemptRecord[], iteration: string): NodeRunState | undefined {
  const matching = attempts.filter((a) => a.iteration === iteration || a.iteration?.startsWith(`${iteration}.`));
  const last = matching.at(-1);
  if (!last) return undefined;
  return {
    status: STATUS_OF_OUTCOME[last.outcome],
    attempts: matching.length,
    iteration: last.iteration,
    startedAt: matching[0]!.startedAt,
    ...(last.finishedAt ? { finishedAt: last.finishedAt } : {}),
    ...(last.durationMs !== undefined ? { durationMs: last.durationMs } : {}),
    ...(last.error ? { error: last.error } : {}),
  };
}

/** The node's state, or (when a loop around it has an iteration picked) its state in that iteration. */
export function useNodeStatus(id: string, loopId?: string): NodeRunState | undefined {
  const store = useContext(StatusContext);
  return useSyncExternalStore(
    (listener) => (store ? store.subscribe(id, listener) : () => undefined),
    () => {
      const picked = store?.pickedIteration(loopId);
      if (!store || picked === undefined) return store?.get(id);
      return store.iterationState(id, picked);
    },
  );
}

export function useTimelineNode(id: string): TimelineNode | undefined {
  const store = useContext(StatusContext);
  return useSyncExternalStore(
    (listener) => (store ? store.subscribe(id, listener) : () => undefined),
    () => store?.timelineOf(id),
  );
}

export function usePickedIteration(loopId: string): string | undefined {
  const store = useContext(StatusContext);
  return useSyncExternalStore(
    (listener) => (store ? store.subscribe(loopId, listener) : () => undefined),
    () => store?.pickedIteration(loopId),
  );
}

export function useStatusStore(): NodeStatusStore | null {
  return useContext(StatusContext);
}

export function useNodeIssues(id: string): string[] | undefined {
  const store = useContext(StatusContext);
  return useSyncExternalStore(
    (listener) => (store ? store.subscribe(id, listener) : () => undefined),
    () => store?.issuesOf(id),
  );
}

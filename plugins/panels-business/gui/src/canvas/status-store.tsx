import { createContext, useContext, useSyncExternalStore } from 'react';
import type { NodeRunState, OrchEvent } from '@orch/gui-sdk';

/**
 * Live per-node run status, kept out of React Flow's `nodes` array: each canvas node subscribes to
 * its own id, so one status event re-renders one node, not the graph.
 */
export class NodeStatusStore {
  private readonly states = new Map<string, NodeRunState>();
  private readonly listeners = new Map<string, Set<() => void>>();
  private readonly issues = new Map<string, string[]>();

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

  /** Replaces every state with the run record's (called when the record is read again). */
  load(nodes: Record<string, NodeRunState>): void {
    const ids = new Set([...this.states.keys(), ...Object.keys(nodes)]);
    for (const id of ids) {
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
    this.notify(id);
  }
}

export const StatusContext = createContext<NodeStatusStore | null>(null);

export function useNodeStatus(id: string): NodeRunState | undefined {
  const store = useContext(StatusContext);
  return useSyncExternalStore(
    (listener) => (store ? store.subscribe(id, listener) : () => undefined),
    () => store?.get(id),
  );
}

export function useNodeIssues(id: string): string[] | undefined {
  const store = useContext(StatusContext);
  return useSyncExternalStore(
    (listener) => (store ? store.subscribe(id, listener) : () => undefined),
    () => store?.issuesOf(id),
  );
}

import { interrupt } from '@langchain/langgraph';

/** What a paused node tells whoever reads the run's pending interrupts. */
export type PauseReason =
  | { kind: 'approval'; approvalId: string; nodeId: string; key: string; title: string }
  | { kind: 'attention'; nodeId: string; error: string };

/**
 * Pauses the run at this node through LangGraph's `interrupt()`; never returns.
 *
 * Decisions are not taken from the resume values: the approval store and the run record hold
 * them, and the node reads them there when it runs again. LangGraph keeps every resume value a
 * task was given and replays them by call index each time the task runs again, so a value may be
 * stale (an earlier decision for the same node). `interrupt()` returns such values instead of
 * pausing; calling it until it throws always pauses, because the list of stored values is finite.
 */
export function pauseForPerson(reason: PauseReason): never {
  for (;;) interrupt(reason);
}

export function isPauseReason(value: unknown): value is PauseReason {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return kind === 'approval' || kind === 'attention';
}

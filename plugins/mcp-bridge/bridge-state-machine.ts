import type { BridgeState } from './api/index.js';

/**
 * The legal moves of one alias's connection. `connecting` is the first attempt only; a lost or
 * failed connection goes to `disconnected`, then `reconnecting` while it waits for (and makes) the
 * next attempt, which ends `connected` or `disconnected` again.
 */
const LEGAL: Record<BridgeState | 'initial', readonly BridgeState[]> = {
  initial: ['connecting'],
  connecting: ['connected', 'disconnected'],
  connected: ['disconnected'],
  disconnected: ['reconnecting'],
  reconnecting: ['connected', 'disconnected'],
};

export function isLegalTransition(from: BridgeState | undefined, to: BridgeState): boolean {
  return LEGAL[from ?? 'initial'].includes(to);
}

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
}

/** Holds the current state and refuses any move the table above does not allow. */
export class BridgeStateMachine {
  private current: BridgeState | undefined;

  constructor(private readonly alias: string) {}

  get state(): BridgeState | undefined {
    return this.current;
  }

  /** Moves to `to` and returns the previous state; throws on an illegal move (a bug, never input). */
  moveTo(to: BridgeState): BridgeState | undefined {
    const from = this.current;
    if (!isLegalTransition(from, to)) {
      throw new IllegalTransitionError(`MCP alias ${this.alias}: illegal state change ${from ?? '(none)'} → ${to}`);
    }
    this.current = to;
    return from;
  }
}

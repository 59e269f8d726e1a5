/**
 * The GUI's connection state machine, pure: `transition(state, event, now)` returns the next state
 * and the effects the driver must carry out (open or close the WebSocket, arm the retry timer,
 * refresh the panels, ask the bridge to reconnect). No timers, sockets or clocks in here, so every
 * rule is a unit test (connection-machine.spec.ts).
 *
 * The phase combines two things: the server's WebSocket (alive while its application heartbeat
 * keeps coming) and every MCP server marked `required` (the GUI allows operations only while all
 * of them are connected, mission §MCP bridge 4).
 */

export type Phase = 'connecting' | 'connected' | 'disconnected' | 'reconnecting';
export type BridgeState = 'connecting' | 'connected' | 'disconnected' | 'reconnecting';

export interface BridgeView {
  alias: string;
  state: BridgeState;
  transport?: string;
  required: boolean;
  tools: number;
  attempt?: number;
  nextRetryAt?: string;
  lastError?: string;
}

export interface ServerInstance {
  id: string;
  pid?: number;
  startedAt?: string;
}

/** The parts of the server's first WebSocket message the machine reads. */
export interface SnapshotInfo {
  lastSeq: number;
  instance?: ServerInstance;
  replay?: 'events' | 'none';
  bridges?: BridgeView[] | null;
  /** The server's application heartbeat period, when it says so. */
  heartbeatMs?: number;
}

export type SocketState = 'idle' | 'opening' | 'open' | 'waiting';

export interface ConnectionState {
  phase: Phase;
  socket: SocketState;
  /** A snapshot was received at least once since the page loaded. */
  everConnected: boolean;
  /** The phase was `connected` at least once since the page loaded. */
  wasConnected: boolean;
  /** Failed socket attempts since the last snapshot. */
  attempt: number;
  /** When the next automatic attempt starts (ms since epoch), while `socket` is `waiting`. */
  nextRetryAt: number | null;
  /** Why the socket is down (or why the last attempt failed). */
  lastError: string | null;
  instance: ServerInstance | null;
  lastSeq: number | null;
  bridges: BridgeView[];
  /**
   * The server's heartbeat period: from the snapshot when it says so, else learned from the gap
   * between two heartbeats (the longest seen). Null while unknown: silence is not judged then.
   */
  heartbeatMs: number | null;
  /** The snapshot declared `heartbeatMs` (not learned). */
  heartbeatDeclared: boolean;
  lastHeartbeatAt: number | null;
  lastMessageAt: number | null;
}

export type ConnectionEvent =
  | { type: 'start' }
  | { type: 'socket-opened' }
  | { type: 'snapshot'; snapshot: SnapshotInfo }
  | { type: 'heartbeat'; lastSeq?: number }
  | { type: 'event'; seq?: number }
  | { type: 'socket-closed'; reason: string }
  | { type: 'tick' }
  | { type: 'retry-due' }
  | { type: 'manual-retry' }
  | { type: 'bridge-changed'; alias: string; state: BridgeState; attempt?: number; nextRetryAt?: string; error?: string }
  | { type: 'bridge-tools'; alias: string; tools: number };

export type Effect =
  | { type: 'open-socket'; since: number | null; instance: string | null }
  | { type: 'close-socket' }
  | { type: 'schedule-retry'; at: number }
  | { type: 'cancel-retry' }
  | { type: 'refresh'; mode: 'catch-up' | 'full' }
  | { type: 'reconnect-bridges'; aliases: string[] };

export interface Transition {
  state: ConnectionState;
  effects: Effect[];
}

/** Missing this many heartbeats in a row means the connection is dead (browsers hide WS pings). */
export const MISSED_HEARTBEATS = 3;
export const BACKOFF_FIRST_MS = 500;
export const BACKOFF_MAX_MS = 8000;

/** Wait before automatic attempt `attempt` (1-based): 0.5 s, 1 s, 2 s, 4 s, then 8 s. */
export function backoffDelay(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, attempt - 1));
}

export function initialState(): ConnectionState {
  return {
    phase: 'connecting',
    socket: 'idle',
    everConnected: false,
    wasConnected: false,
    attempt: 0,
    nextRetryAt: null,
    lastError: null,
    instance: null,
    lastSeq: null,
    bridges: [],
    heartbeatMs: null,
    heartbeatDeclared: false,
    lastHeartbeatAt: null,
    lastMessageAt: null,
  };
}

/** The phase follows from the socket and the required bridges; it is never set by hand. */
export function phaseOf(state: Omit<ConnectionState, 'phase'>): Phase {
  if (state.socket !== 'open') {
    if (!state.wasConnected) return 'connecting';
    return state.socket === 'opening' ? 'reconnecting' : 'disconnected';
  }
  const down = state.bridges.filter((b) => b.required && b.state !== 'connected');
  if (down.length === 0) return 'connected';
  if (!state.wasConnected) return 'connecting';
  return down.some((b) => b.state === 'disconnected') ? 'disconnected' : 'reconnecting';
}

function settle(state: ConnectionState, effects: Effect[] = []): Transition {
  const phase = phaseOf(state);
  return { state: { ...state, phase, wasConnected: state.wasConnected || phase === 'connected' }, effects };
}

function openEffect(state: ConnectionState): Effect {
  return state.everConnected
    ? { type: 'open-socket', since: state.lastSeq, instance: state.instance?.id ?? null }
    : { type: 'open-socket', since: null, instance: null };
}

/** The socket went down (closed, failed, or heartbeats stopped): wait, then try again. */
function socketLost(state: ConnectionState, reason: string, now: number, extra: Effect[] = []): Transition {
  const attempt = state.attempt + 1;
  const at = now + backoffDelay(attempt);
  return settle(
    { ...state, socket: 'waiting', attempt, nextRetryAt: at, lastError: reason, lastHeartbeatAt: null, lastMessageAt: null },
    [...extra, { type: 'schedule-retry', at }],
  );
}

export function transition(state: ConnectionState, event: ConnectionEvent, now: number): Transition {
  switch (event.type) {
    case 'start': {
      if (state.socket !== 'idle') return settle(state);
      const next = { ...state, socket: 'opening' as const };
      return settle(next, [openEffect(next)]);
    }
    case 'socket-opened':
      return settle({ ...state, lastMessageAt: now });
    case 'snapshot': {
      if (state.socket !== 'opening' && state.socket !== 'open') return settle(state);
      const snap = event.snapshot;
      const sameInstance = state.instance !== null && snap.instance !== undefined && snap.instance.id === state.instance.id;
      const catchUp = state.everConnected && sameInstance && snap.replay === 'events';
      const next: ConnectionState = {
        ...state,
        socket: 'open',
        everConnected: true,
        attempt: 0,
        nextRetryAt: null,
        lastError: null,
        instance: snap.instance ?? null,
        lastSeq: catchUp ? state.lastSeq : snap.lastSeq,
        bridges: snap.bridges ?? [],
        heartbeatMs: snap.heartbeatMs && snap.heartbeatMs > 0 ? snap.heartbeatMs : state.heartbeatDeclared ? null : state.heartbeatMs,
        heartbeatDeclared: Boolean(snap.heartbeatMs && snap.heartbeatMs > 0),
        lastHeartbeatAt: null,
        lastMessageAt: now,
      };
      return settle(next, [{ type: 'refresh', mode: catchUp ? 'catch-up' : 'full' }]);
    }
    case 'heartbeat': {
      if (state.socket !== 'open') return settle(state);
      const learned = !state.heartbeatDeclared && state.lastHeartbeatAt !== null ? Math.max(state.heartbeatMs ?? 0, now - state.lastHeartbeatAt) : state.heartbeatMs;
      return settle({ ...state, heartbeatMs: learned, lastHeartbeatAt: now, lastMessageAt: now });
    }
    case 'event':
      if (state.socket !== 'open') return settle(state);
      return settle({
        ...state,
        lastMessageAt: now,
        lastSeq: event.seq !== undefined ? Math.max(event.seq, state.lastSeq ?? 0) : state.lastSeq,
      });
    case 'socket-closed':
      if (state.socket !== 'opening' && state.socket !== 'open') return settle(state);
      return socketLost(state, event.reason, now);
    case 'tick': {
      if (state.socket !== 'open' || state.heartbeatMs === null || state.lastMessageAt === null) return settle(state);
      const limit = state.heartbeatMs * MISSED_HEARTBEATS;
      if (now - state.lastMessageAt <= limit) return settle(state);
      return socketLost(state, `no heartbeat from the server for ${Math.round((now - state.lastMessageAt) / 1000)} s`, now, [{ type: 'close-socket' }]);
    }
    case 'retry-due': {
      if (state.socket !== 'waiting') return settle(state);
      const next = { ...state, socket: 'opening' as const, nextRetryAt: null };
      return settle(next, [openEffect(next)]);
    }
    case 'manual-retry': {
      const effects: Effect[] = [];
      const stale = state.bridges.filter((b) => b.state !== 'connected').map((b) => b.alias);
      let next = state;
      if (state.socket !== 'open') {
        next = { ...state, socket: 'opening', attempt: 0, nextRetryAt: null };
        effects.push({ type: 'cancel-retry' }, { type: 'close-socket' }, openEffect(next));
      }
      if (stale.length > 0) effects.push({ type: 'reconnect-bridges', aliases: stale });
      return settle(next, effects);
    }
    case 'bridge-changed': {
      const known = state.bridges.some((b) => b.alias === event.alias);
      const update = (b: BridgeView): BridgeView => {
        const { nextRetryAt: _n, lastError: _e, ...rest } = b;
        return {
          ...rest,
          state: event.state,
          ...(event.attempt !== undefined ? { attempt: event.attempt } : {}),
          ...(event.nextRetryAt ? { nextRetryAt: event.nextRetryAt } : {}),
          ...(event.error ? { lastError: event.error } : event.state !== 'connected' && b.lastError ? { lastError: b.lastError } : {}),
        };
      };
      const bridges = known
        ? state.bridges.map((b) => (b.alias === event.alias ? update(b) : b))
        : [...state.bridges, update({ alias: event.alias, state: event.state, required: false, tools: 0 })];
      return settle({ ...state, bridges });
    }
    case 'bridge-tools':
      return settle({ ...state, bridges: state.bridges.map((b) => (b.alias === event.alias ? { ...b, tools: event.tools } : b)) });
  }
}

export interface Outage {
  title: string;
  detail: string | null;
  check: string;
}

/** What the maintenance notice says: what is down, why, and what a person should check. */
export function describeOutage(state: ConnectionState, now: number): Outage | null {
  if (state.phase === 'connected') return null;
  if (state.socket !== 'open') {
    const wait = state.nextRetryAt !== null ? Math.max(0, Math.ceil((state.nextRetryAt - now) / 1000)) : null;
    const retry = state.socket === 'opening' ? 'Connecting now…' : wait !== null ? `Next try in ${wait} s.` : '';
    return {
      title: state.everConnected ? 'The connection to the Orch server was lost' : 'Connecting to the Orch server…',
      detail: state.lastError,
      check: `Check that the Orch server (orch start) is running on this machine. ${retry}`.trim(),
    };
  }
  const down = state.bridges.filter((b) => b.required && b.state !== 'connected');
  const names = down.map((b) => b.alias).join(', ');
  const first = down[0];
  const retry = first?.nextRetryAt ? ` The bridge retries at ${new Date(first.nextRetryAt).toLocaleTimeString()}.` : '';
  return {
    title: down.length === 1 ? `Required MCP server "${names}" is ${first!.state}` : `Required MCP servers ${names} are not connected`,
    detail: down.map((b) => b.lastError).filter(Boolean).join('; ') || null,
    check: `Check that the MCP server${down.length === 1 ? '' : 's'} ${names} (config/mcp.servers.json) can start or be reached.${retry}`,
  };
}

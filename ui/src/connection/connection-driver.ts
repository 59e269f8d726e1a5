import { api } from '../sdk/api';
import { publishEvent, runtime } from '../sdk/runtime';
import type { OrchEvent, SnapshotMessage } from '../sdk/wire';
import { transition, type ConnectionEvent, type Effect } from './connection-machine';

/**
 * Carries out the machine's effects in the browser: the WebSocket to `/api/events`, the retry
 * timer, a one-second tick for the heartbeat watchdog, panel refreshes and the bridge reconnect
 * calls. Each socket gets a generation number so news from a socket already given up is ignored.
 */
export class ConnectionDriver {
  private socket: WebSocket | null = null;
  private generation = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly eventsUrl: (since: number | null, instance: string | null) => string = defaultEventsUrl) {}

  start(): void {
    runtime.retry = () => this.dispatch({ type: 'manual-retry' });
    this.ticker = setInterval(() => this.dispatch({ type: 'tick' }), 1000);
    this.dispatch({ type: 'start' });
  }

  stop(): void {
    clearInterval(this.ticker);
    clearTimeout(this.retryTimer);
    this.closeSocket();
  }

  dispatch(event: ConnectionEvent): void {
    const { state, effects } = transition(runtime.connection.get(), event, Date.now());
    runtime.connection.set(state);
    for (const effect of effects) this.perform(effect);
  }

  private perform(effect: Effect): void {
    switch (effect.type) {
      case 'open-socket':
        this.openSocket(effect.since, effect.instance);
        break;
      case 'close-socket':
        this.closeSocket();
        break;
      case 'schedule-retry':
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.dispatch({ type: 'retry-due' }), Math.max(0, effect.at - Date.now()));
        break;
      case 'cancel-retry':
        clearTimeout(this.retryTimer);
        break;
      case 'refresh':
        runtime.refreshEpoch.set(runtime.refreshEpoch.get() + 1);
        break;
      case 'reconnect-bridges':
        for (const alias of effect.aliases) {
          api.post(`/api/mcp/servers/${encodeURIComponent(alias)}/connect`).catch((error: Error) => {
            console.warn(`Asking the bridge to reconnect ${alias} failed: ${error.message}`);
          });
        }
        break;
    }
  }

  private closeSocket(): void {
    this.generation++;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'client gave up on this connection');
  }

  private openSocket(since: number | null, instance: string | null): void {
    this.closeSocket();
    const generation = this.generation;
    const current = () => generation === this.generation;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.eventsUrl(since, instance));
    } catch (error) {
      queueMicrotask(() => this.dispatch({ type: 'socket-closed', reason: (error as Error).message }));
      return;
    }
    this.socket = socket;
    socket.onopen = () => current() && this.dispatch({ type: 'socket-opened' });
    socket.onclose = (event) => {
      if (!current()) return;
      this.socket = null;
      const reason = event.code === 1006 ? 'the server closed the connection or cannot be reached' : `connection closed (code ${event.code}${event.reason ? `: ${event.reason}` : ''})`;
      this.dispatch({ type: 'socket-closed', reason });
    };
    socket.onmessage = (message) => {
      if (!current() || typeof message.data !== 'string') return;
      let data: { type?: string; seq?: number; lastSeq?: number };
      try {
        data = JSON.parse(message.data) as typeof data;
      } catch {
        console.warn('Ignored a message from /api/events that is not JSON');
        return;
      }
      this.receive(data);
    };
  }

  private receive(data: { type?: string; seq?: number; lastSeq?: number }): void {
    if (data.type === 'snapshot') {
      const snapshot = data as SnapshotMessage;
      runtime.snapshot.set(snapshot);
      this.dispatch({
        type: 'snapshot',
        snapshot: {
          lastSeq: snapshot.lastSeq,
          instance: snapshot.instance,
          replay: snapshot.replay,
          bridges: snapshot.bridges,
          heartbeatMs: snapshot.heartbeatMs,
        },
      });
      return;
    }
    if (data.type === 'heartbeat') {
      this.dispatch({ type: 'heartbeat', lastSeq: data.lastSeq });
      return;
    }
    const event = data as OrchEvent;
    if (typeof event.type !== 'string') return;
    this.dispatch({ type: 'event', seq: event.seq });
    if (event.type === 'bridge.state-change' && typeof event.alias === 'string') {
      this.dispatch({
        type: 'bridge-changed',
        alias: event.alias,
        state: event.state as 'connected',
        attempt: event.attempt as number | undefined,
        nextRetryAt: event.nextRetryAt as string | undefined,
        error: event.error as string | undefined,
      });
    } else if (event.type === 'bridge.tools-changed' && typeof event.alias === 'string' && Array.isArray(event.tools)) {
      this.dispatch({ type: 'bridge-tools', alias: event.alias, tools: event.tools.length });
    }
    this.patchSnapshot(event);
    publishEvent(event);
  }

  /** Keeps the snapshot's counters (pending approvals) current between snapshots. */
  private patchSnapshot(event: OrchEvent): void {
    const snapshot = runtime.snapshot.get();
    if (!snapshot?.approvals) return;
    let pending = snapshot.approvals.pending;
    if (event.type === 'approval.requested') pending++;
    else if (event.type === 'approval.resolved' || event.type === 'approval.withdrawn') pending = Math.max(0, pending - 1);
    else return;
    runtime.snapshot.set({ ...snapshot, approvals: { pending } });
  }
}

function defaultEventsUrl(since: number | null, instance: string | null): string {
  const url = new URL('/api/events', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  if (since !== null && instance !== null) {
    url.searchParams.set('since', String(since));
    url.searchParams.set('instance', instance);
  }
  return url.toString();
}

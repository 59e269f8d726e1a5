import type { OrchEvent } from '../../../kernel/index.js';
import { EVENTS_PATH, type ServerLocation } from './server-link.js';

/** A live subscription to a server's event stream, as CLI commands use it. */
export interface EventSubscription {
  /** Resolves once the snapshot arrived: every event after it is delivered to `onEvent`. */
  readonly ready: Promise<void>;
  /** Rejects when the stream ends before `close()` (server gone, connection dropped). */
  readonly ended: Promise<void>;
  close(): void;
}

/**
 * Subscribes to `ws://…/api/events?topics=…` of a located server. `ws` is imported here, on first
 * use, so commands that never follow events do not load it.
 */
export async function subscribeToEvents(location: ServerLocation, topics: string[], onEvent: (event: OrchEvent) => void): Promise<EventSubscription> {
  const { WebSocket } = await import('ws');
  const url = `${location.baseUrl.replace(/^http/, 'ws')}${EVENTS_PATH}?topics=${encodeURIComponent(topics.join(','))}`;
  const ws = new WebSocket(url, { headers: { 'x-orch-client': 'cli' } });
  let closing = false;
  let markReady: () => void = () => undefined;
  let failReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  const ended = new Promise<void>((resolve, reject) => {
    ws.on('close', () => (closing ? resolve() : reject(new Error(`the event stream of ${location.baseUrl} closed`))));
    ws.on('error', (error) => {
      failReady(error);
      if (!closing) reject(error);
    });
  });
  ended.catch(() => undefined); // a caller that never awaits it must not see an unhandled rejection
  ready.catch(() => undefined);
  ws.on('message', (data) => {
    let message: { type?: string };
    try {
      message = JSON.parse(String(data)) as { type?: string };
    } catch {
      return;
    }
    if (message.type === 'snapshot') markReady();
    else if (message.type !== 'heartbeat') onEvent(message as OrchEvent);
  });
  return {
    ready,
    ended,
    close() {
      closing = true;
      ws.close();
    },
  };
}

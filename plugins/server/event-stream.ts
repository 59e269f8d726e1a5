import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { describeError, type EventBus, type EventCatalog, type Logger, type OrchEvent, type Unsubscribe } from '../../kernel/index.js';
import { EVENTS_PATH, type ServerInstance, type SnapshotMessage } from './api/index.js';
import { EventJournal } from './event-journal.js';
import { HttpError, toErrorReply } from './error-reply.js';
import { checkRequestOrigin } from './request-origin.js';
import type { SnapshotBuilder } from './snapshot-builder.js';
import { TopicFilter } from './topic-filter.js';


export interface EventStreamOptions {
  heartbeatMs: number;
  /** Interval of the application-level `heartbeat` message. */
  clientHeartbeatMs: number;
  /** Events kept for `?since` catch-up. */
  journalSize: number;
  instance: ServerInstance;
  /** A client with more unsent bytes than this is dropped. */
  maxClientBufferBytes: number;
  /** Events held for a client while its snapshot is read; more and the client is dropped. */
  maxBacklog?: number;
  /** The address listened on: decides which Host and Origin headers are accepted. */
  listenHost: string;
}

interface Client {
  ws: WebSocket;
  filter: TopicFilter;
  address: string;
  /** Answered the last ping. */
  alive: boolean;
  /** Events that arrived while the snapshot was being read, sent right after it. */
  backlog: string[] | null;
}

/** What a client asked to catch up from: `?since=<seq>&instance=<id>`. */
interface CatchUp {
  since: number;
  instance: string | null;
}

/**
 * `ws://host:port/api/events`: a snapshot, then every EventBus event unchanged, in bus order, and a
 * `{ type: "heartbeat" }` message every few seconds (browsers cannot see protocol pings). A client
 * that reconnects with `?since=<seq>&instance=<id>` of the same server instance gets the events it
 * missed right after the snapshot (`replay: "events"`); otherwise `replay: "none"`. A
 * client that stops answering pings is dropped at the next heartbeat; one whose unsent data grows
 * past the limit is dropped at once, so a slow reader never slows the runs that publish.
 */
export class EventStream {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<Client>();
  private unsubscribe?: Unsubscribe;
  private heartbeat?: NodeJS.Timeout;
  private clientHeartbeat?: NodeJS.Timeout;
  private readonly journal: EventJournal;
  private lastSeq = 0;
  private closing = false;

  constructor(
    private readonly bus: EventBus,
    private readonly snapshots: SnapshotBuilder,
    private readonly catalog: EventCatalog,
    private readonly logger: Logger,
    private readonly options: EventStreamOptions,
  ) {
    this.journal = new EventJournal(options.journalSize);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  attach(server: Server): void {
    this.unsubscribe = this.bus.subscribe((event) => this.broadcast(event));
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
    this.clientHeartbeat = setInterval(() => this.sendHeartbeat(), this.options.clientHeartbeatMs);
    this.clientHeartbeat.unref();
  }

  /** Says goodbye to every client (1001 going away) and stops listening to the bus. */
  async close(): Promise<void> {
    this.closing = true;
    this.unsubscribe?.();
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.clientHeartbeat) clearInterval(this.clientHeartbeat);
    const closed = [...this.clients].map(
      (client) =>
        new Promise<void>((resolve) => {
          client.ws.once('close', () => resolve());
          client.ws.close(1001, 'Orch server shutting down');
          setTimeout(() => {
            client.ws.terminate();
            resolve();
          }, 1000).unref();
        }),
    );
    await Promise.all(closed);
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    let filter: TopicFilter;
    let catchUp: CatchUp | undefined;
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      if (url.pathname !== EVENTS_PATH) throw new HttpError(404, 'not_found', `No WebSocket endpoint at ${url.pathname}; events are at ${EVENTS_PATH}`);
      if (this.closing) throw new HttpError(503, 'unavailable', 'The Orch server is shutting down; reconnect once it is back');
      checkRequestOrigin(request.headers, this.options.listenHost);
      filter = TopicFilter.parse(url.searchParams.get('topics'), this.catalog);
      catchUp = parseCatchUp(url.searchParams);
    } catch (error) {
      refuseUpgrade(socket, error);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => void this.accept(ws, filter, request.socket.remoteAddress ?? '?', catchUp));
  }

  private async accept(ws: WebSocket, filter: TopicFilter, address: string, catchUp: CatchUp | undefined): Promise<void> {
    const client: Client = { ws, filter, address, alive: true, backlog: [] };
    this.clients.add(client);
    ws.on('pong', () => (client.alive = true));
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', (error) => {
      this.logger.warn(`WebSocket client ${address} failed: ${describeError(error)}`);
      this.clients.delete(client);
    });
    ws.on('message', () => undefined); // the stream is one-way; client messages are ignored
    this.logger.debug(`WebSocket client ${address} connected`, { topics: filter.names });
    const lastSeq = this.lastSeq;
    // Taken before any await: the backlog holds every event after `lastSeq`, so nothing falls between.
    const missed =
      catchUp?.instance === this.options.instance.id ? this.journal.after(catchUp.since, lastSeq) : undefined;
    const head = {
      type: 'snapshot' as const,
      time: new Date().toISOString(),
      lastSeq,
      topics: filter.names ? [...filter.names] : null,
      instance: this.options.instance,
      replay: missed ? ('events' as const) : ('none' as const),
      heartbeatMs: this.options.clientHeartbeatMs,
    };
    let message: SnapshotMessage;
    try {
      message = { ...head, ...(await this.snapshots.build()) };
    } catch (error) {
      message = { ...head, problems: [{ section: 'snapshot', message: describeError(error) }] };
    }
    const backlog = client.backlog ?? [];
    client.backlog = null;
    this.send(client, JSON.stringify(message));
    for (const event of missed ?? []) if (filter.accepts(event)) this.send(client, JSON.stringify(event));
    for (const text of backlog) this.send(client, text);
  }

  private broadcast(event: OrchEvent): void {
    this.lastSeq = event.seq;
    this.journal.append(event);
    let text: string | undefined;
    for (const client of this.clients) {
      if (!client.filter.accepts(event)) continue;
      text ??= JSON.stringify(event);
      if (client.backlog) {
        client.backlog.push(text);
        if (client.backlog.length > (this.options.maxBacklog ?? 10_000)) this.drop(client, 'too many events arrived while its snapshot was read');
      } else {
        this.send(client, text);
      }
    }
  }

  private send(client: Client, text: string): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    if (client.ws.bufferedAmount > this.options.maxClientBufferBytes) {
      this.drop(client, `it is not reading (${client.ws.bufferedAmount} bytes unsent, limit ${this.options.maxClientBufferBytes})`);
      return;
    }
    client.ws.send(text);
  }

  private sendHeartbeat(): void {
    const text = JSON.stringify({ type: 'heartbeat', time: new Date().toISOString(), lastSeq: this.lastSeq });
    for (const client of this.clients) if (!client.backlog) this.send(client, text);
  }

  private beat(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        this.drop(client, `it did not answer the last ping within ${this.options.heartbeatMs} ms`);
        continue;
      }
      client.alive = false;
      try {
        client.ws.ping();
      } catch {
        this.drop(client, 'its connection broke');
      }
    }
  }

  private drop(client: Client, reason: string): void {
    this.clients.delete(client);
    this.logger.warn(`Dropped WebSocket client ${client.address}: ${reason}`, { reason });
    client.ws.terminate();
  }
}

function parseCatchUp(params: URLSearchParams): CatchUp | undefined {
  const since = params.get('since');
  if (since === null) return undefined;
  if (!/^\d+$/.test(since)) {
    throw new HttpError(400, 'invalid_input', `since must be the seq of the last event received (a whole number), got "${since}"`, {
      issues: [{ path: 'query.since', message: 'a whole number' }],
    });
  }
  return { since: Number(since), instance: params.get('instance') };
}

/** Answers a refused upgrade with a plain HTTP error carrying the usual JSON body. */
function refuseUpgrade(socket: Duplex, error: unknown): void {
  const reply = toErrorReply(error, `GET ${EVENTS_PATH}`);
  const body = JSON.stringify(reply.body);
  socket.end(
    `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

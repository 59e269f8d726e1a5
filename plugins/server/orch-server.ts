import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { inject, injectable } from 'inversify';
import { describeError, EventBus, EventCatalog, KERNEL_VERSION, Logger, OrchError, Paths, ProcessContext } from '../../kernel/index.js';
import { type HttpRoute } from './api/index.js';
import { type ServerLocation } from './api/index.js';
import { EventStream } from './event-stream.js';
import { GuiPanels } from './gui-panels.js';
import { createHttpApp } from './http-app.js';
import { StaticSite } from './static-site.js';
import { ServerFile } from './server-file.js';
import { ServerInfo } from './server-info.js';
import { ServerSettings } from './server-settings.js';
import { SnapshotBuilder } from './snapshot-builder.js';

/**
 * The HTTP + WebSocket server of `orch start`: claims the home through `state/server.json`,
 * listens on the configured loopback address, and on stop refuses new work, closes the event
 * stream and the listener, waits (bounded) for requests in flight and removes `server.json`.
 */
@injectable()
export class OrchServer {
  private readonly logger: Logger;
  private http?: Server;
  private events?: EventStream;
  private draining = false;

  constructor(
    @inject(ServerSettings) private readonly settings: ServerSettings,
    @inject(Paths) private readonly paths: Paths,
    @inject(Logger) logger: Logger,
    @inject(EventBus) private readonly bus: EventBus,
    @inject(ProcessContext) private readonly process: ProcessContext,
    @inject(ServerFile) private readonly file: ServerFile,
    @inject(SnapshotBuilder) private readonly snapshots: SnapshotBuilder,
    @inject(ServerInfo) private readonly info: ServerInfo,
    @inject(EventCatalog) private readonly catalog: EventCatalog,
    @inject(GuiPanels) private readonly panels: GuiPanels,
  ) {
    this.logger = logger.child({ category: 'server' });
  }

  async start(routes: HttpRoute[]): Promise<ServerLocation> {
    const settings = this.settings;
    return this.file.withLock(async () => {
      const existing = await this.file.inspect();
      if (existing.kind === 'alive') {
        throw new OrchError(
          'conflict',
          `An Orch server is already running for ${this.paths.home}: pid ${existing.location.pid} at ${existing.location.baseUrl} (since ${existing.location.startedAt}). Stop it first, or start this one with another --home.`,
          { file: this.file.file },
        );
      }
      if (existing.kind === 'unresponsive') {
        throw new OrchError(
          'conflict',
          `${this.file.file} names pid ${existing.location.pid}, which still runs but does not answer (${existing.reason}). If it is not an Orch server, delete ${this.file.file} and start again.`,
          { file: this.file.file },
        );
      }
      if (existing.kind === 'stale') this.logger.info(`Replacing a stale ${this.file.file}: ${existing.reason}`);

      const { app, mounted } = createHttpApp({
        routes,
        logger: this.logger,
        defaultOperator: this.process.operator,
        bodyLimitBytes: settings.bodyLimitBytes,
        isDraining: () => this.draining,
        listenHost: settings.host,
        checkResponses: settings.checkResponses,
        site: new StaticSite(resolve(this.paths.projectRoot, settings.guiDir ?? 'ui/dist'), () => this.panels.assetFolders()),
      });
      const http = createServer(app.callback());
      http.keepAliveTimeout = 5_000;
      await listen(http, settings.host, settings.port);
      this.http = http;
      this.events = new EventStream(this.bus, this.snapshots, this.catalog, this.logger, {
        heartbeatMs: settings.heartbeatMs,
        clientHeartbeatMs: settings.clientHeartbeatMs,
        journalSize: settings.eventJournalSize,
        instance: this.info.instance,
        maxClientBufferBytes: settings.maxClientBufferBytes,
        listenHost: settings.host,
      });
      this.events.attach(http);

      const address = http.address() as AddressInfo;
      const location: ServerLocation = {
        pid: globalThis.process.pid,
        host: address.address,
        port: address.port,
        baseUrl: `http://${urlHost(address)}:${address.port}`,
        startedAt: this.info.startedAt.toISOString(),
        home: this.paths.home,
        kernelVersion: KERNEL_VERSION,
      };
      try {
        await this.file.write(location);
      } catch (error) {
        await this.events.close();
        await this.drain(http, this.stopAccepting(http), 0);
        this.http = undefined;
        throw error;
      }
      this.info.location = location;
      this.info.mounted = mounted;
      this.info.routes = routes.filter((route, i) => routes.findIndex((r) => r.method === route.method && r.path === route.path) === i);
      this.info.wsClients = () => this.events?.clientCount ?? 0;
      this.logger.info(`Listening on ${location.baseUrl} (REST /api, events ${location.baseUrl.replace('http', 'ws')}/api/events)`, {
        port: location.port,
        host: location.host,
        routes: mounted.length,
      });
      return location;
    });
  }

  async stop(): Promise<void> {
    const http = this.http;
    if (!http) return;
    this.draining = true;
    // Stop accepting first, so nothing new starts while the event clients are told goodbye.
    const closed = this.stopAccepting(http);
    await this.events?.close();
    await this.drain(http, closed, this.settings.shutdownGraceMs);
    this.http = undefined;
    try {
      await this.file.removeIfOwnedBy(globalThis.process.pid);
    } catch (error) {
      this.logger.warn(`Could not remove ${this.file.file}: ${describeError(error)}; the next start will see it as stale`);
    }
    this.logger.info('Server stopped');
  }

  /** Closes the listening socket and idle keep-alive connections; resolves once every connection ended. */
  private stopAccepting(http: Server): Promise<void> {
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeIdleConnections();
    return closed;
  }

  /** Lets requests in flight finish for `graceMs`, then cuts what is left. */
  private async drain(http: Server, closed: Promise<void>, graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => (timer = setTimeout(() => resolve('grace-over'), graceMs)));
    // A keep-alive connection whose last request just finished would otherwise linger until its timeout.
    const sweeper = setInterval(() => http.closeIdleConnections(), 50);
    try {
      if ((await Promise.race([closed, graceOver])) === 'grace-over') {
        this.logger.warn(`Requests still in flight after ${graceMs} ms; closing their connections`);
        http.closeAllConnections();
        await closed;
      }
    } finally {
      clearTimeout(timer);
      clearInterval(sweeper);
    }
  }
}

function listen(http: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      http.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new OrchError('conflict', `Port ${port} on ${host} is already in use; set server.port in config/orch.json or pass --port`, { port, host }));
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(new OrchError('invalid_input', `Cannot listen on ${host}: no such local address (server.host in config/orch.json)`, { host }));
      } else if (error.code === 'EACCES') {
        reject(new OrchError('invalid_input', `Not allowed to listen on ${host}:${port} (ports below 1024 need privileges; server.port in config/orch.json)`, { port }));
      } else {
        reject(new OrchError('unavailable', `Cannot listen on ${host}:${port}: ${error.message}`, { port, host }));
      }
    };
    const onListening = (): void => {
      http.off('error', onError);
      resolve();
    };
    http.once('error', onError);
    http.once('listening', onListening);
    http.listen(port, host);
  });
}

/** The host part of the URL clients use: a wildcard bind is reached through loopback. */
function urlHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

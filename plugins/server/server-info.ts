import { randomUUID } from 'node:crypto';
import { injectable } from 'inversify';
import type { ServerInstance, ServerLocation } from './api/index.js';
import type { HttpRoute } from './api/index.js';
import type { MountedRoute } from './http-app.js';

/** What the running server knows about itself, shared with the routes that report it. */
@injectable()
export class ServerInfo {
  readonly startedAt = new Date();
  /** This process: a client that reconnects to another instance must start afresh (event seqs restart). */
  readonly instance: ServerInstance = { id: randomUUID(), pid: process.pid, startedAt: this.startedAt.toISOString() };
  location?: ServerLocation;
  mounted: MountedRoute[] = [];
  /** The routes actually served (a duplicate is served once), for the OpenAPI document. */
  routes: HttpRoute[] = [];
  wsClients: () => number = () => 0;
}

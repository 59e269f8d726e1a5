import { injectable } from 'inversify';
import type { ServerLocation } from '../../kernel/index.js';
import type { MountedRoute } from './http-app.js';

/** What the running server knows about itself, shared with the routes that report it. */
@injectable()
export class ServerInfo {
  readonly startedAt = new Date();
  location?: ServerLocation;
  mounted: MountedRoute[] = [];
  wsClients: () => number = () => 0;
}

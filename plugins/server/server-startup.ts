import { inject, injectable } from 'inversify';
import { Paths, type StartupBanner, type StartupCheck } from '../../kernel/index.js';
import { ServerLink } from './api/index.js';

/** `orch start`: one server per home (recovering runs twice would race), and where it listens. */
@injectable()
export class ServerStartup implements StartupCheck, StartupBanner {
  constructor(
    @inject(ServerLink) private readonly link: ServerLink,
    @inject(Paths) private readonly paths: Paths,
  ) {}

  async refusal(): Promise<string | undefined> {
    const running = await this.link.locate();
    if (!running) return undefined;
    return `an Orch server is already running for ${this.paths.home}: pid ${running.pid} at ${running.baseUrl} (since ${running.startedAt}). Stop it first, or use another --home.`;
  }

  async lines(): Promise<string[]> {
    const serving = await this.link.locate();
    if (!serving) return [];
    return [
      `Listening on ${serving.baseUrl} — REST ${serving.baseUrl}/api, events ${serving.baseUrl.replace(/^http/, 'ws')}/api/events`,
      `GUI: ${serving.baseUrl}/`,
    ];
  }
}

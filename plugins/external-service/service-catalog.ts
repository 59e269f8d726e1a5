import { stat } from 'node:fs/promises';
import { inject, injectable } from 'inversify';
import { Config, OrchError, Paths } from '../../kernel/index.js';
import { SERVICES_FILE, ServicesConfigSchema, type ServiceConfig, type ServicesConfig } from './services-config.js';

/**
 * The services of `config/services.json`, read through the kernel's `Config` (a bad file is an
 * error naming file and field) and read again when the file changes, so a long-running server
 * picks up edits. A missing file means no services.
 */
@injectable()
export class ServiceCatalog {
  private cached?: { services: ServicesConfig; mtimeMs: number | undefined };

  constructor(
    @inject(Config) private readonly config: Config,
    @inject(Paths) private readonly paths: Paths,
  ) {}

  get file(): string {
    return this.paths.config(SERVICES_FILE);
  }

  /** Every service, fresh from the file when it changed since the last read. */
  async services(): Promise<ServicesConfig> {
    const mtimeMs = await stat(this.file).then(
      (s) => s.mtimeMs,
      () => undefined,
    );
    if (!this.cached || this.cached.mtimeMs !== mtimeMs) {
      this.cached = { services: await this.config.load(SERVICES_FILE, ServicesConfigSchema, {}), mtimeMs };
    }
    return this.cached.services;
  }

  /** The services as last read, for synchronous questions (risk); empty before the first read. */
  known(): ServicesConfig {
    return this.cached?.services ?? {};
  }

  /** One service; `not_found` lists the names the file defines. */
  async get(name: string): Promise<ServiceConfig> {
    const services = await this.services();
    const found = Object.hasOwn(services, name) ? services[name] : undefined;
    if (!found) throw new OrchError('not_found', unknownServiceMessage(name, Object.keys(services), this.file), { service: name, file: this.file });
    return found;
  }
}

export function unknownServiceMessage(name: string, known: string[], file: string): string {
  return `unknown service "${name}"; ${file} defines ${known.length > 0 ? known.join(', ') : 'no services'}`;
}

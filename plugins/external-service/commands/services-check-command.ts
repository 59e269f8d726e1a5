import { inject, injectable } from 'inversify';
import { renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { ServiceCatalog } from '../service-catalog.js';
import { checkServiceHealth, type ServiceHealth } from '../service-health.js';

export const DEFAULT_CHECK_TIMEOUT_MS = 5000;

/**
 * `orch services:check [name]`: one GET of each service's health path, from this process (which
 * is what a node run here would reach). Exit code 1 when a checked service is unhealthy.
 */
@injectable()
export class ServicesCheckCommand implements CliCommand {
  readonly name = 'services:check';

  constructor(@inject(ServiceCatalog) private readonly catalog: ServiceCatalog) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const name = typeof args.name === 'string' && args.name ? args.name : undefined;
    const timeoutMs = typeof args.timeout === 'number' && args.timeout > 0 ? args.timeout : DEFAULT_CHECK_TIMEOUT_MS;
    const services = await this.catalog.services();
    const names = name ? [name] : Object.keys(services).sort();
    if (name) await this.catalog.get(name);
    const results: ServiceHealth[] = await Promise.all(names.map((n) => checkServiceHealth(n, services[n]!, timeoutMs)));
    const unhealthy = results.filter((r) => r.result === 'unhealthy');
    if (io.json) {
      io.printJson({ file: this.catalog.file, results });
      return unhealthy.length > 0 ? 1 : 0;
    }
    if (results.length === 0) {
      io.out(`No services are declared in ${this.catalog.file}.`);
      return 0;
    }
    io.out(
      renderTable(
        ['NAME', 'RESULT', 'TIME', 'URL', 'DETAIL'],
        results.map((r) => [r.name, r.result, r.durationMs === undefined ? '-' : `${r.durationMs} ms`, r.url ?? '-', r.detail]),
      ),
    );
    if (unhealthy.length > 0) {
      io.err(`\n${unhealthy.map((r) => r.name).join(', ')} ${unhealthy.length === 1 ? 'is' : 'are'} not healthy — check that the service runs and that ${this.catalog.file} points at it.`);
    }
    return unhealthy.length > 0 ? 1 : 0;
  }
}

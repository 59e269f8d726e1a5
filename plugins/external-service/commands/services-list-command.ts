import { inject, injectable } from 'inversify';
import { renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { ServiceCatalog } from '../service-catalog.js';
import { summarizeServices } from '../service-summary.js';

/** `orch services:list`: the services of config/services.json, and whether their secrets are set here. */
@injectable()
export class ServicesListCommand implements CliCommand {
  readonly name = 'services:list';

  constructor(@inject(ServiceCatalog) private readonly catalog: ServiceCatalog) {}

  async run(_args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const services = summarizeServices(await this.catalog.services());
    if (io.json) {
      io.printJson({ file: this.catalog.file, services });
      return 0;
    }
    if (services.length === 0) {
      io.out(`No services are declared in ${this.catalog.file}.`);
      return 0;
    }
    io.out(
      renderTable(
        ['NAME', 'BASE URL', 'HEALTH', 'TIMEOUT', 'RETRIES', 'SECRETS', 'DESCRIPTION'],
        services.map((s) => [
          s.name,
          s.baseUrl,
          s.healthPath ?? '-',
          `${s.timeoutMs / 1000} s`,
          String(s.retries),
          s.secrets.length ? s.secrets.map((x) => `${x.env} ${x.set ? '(set)' : '(MISSING)'}`).join(', ') : '-',
          s.description ?? '',
        ]),
      ),
    );
    const missing = services.flatMap((s) => s.secrets.filter((x) => !x.set).map((x) => `${x.env} (${s.name})`));
    if (missing.length > 0) io.err(`\nNot set in this environment: ${missing.join(', ')} — nodes calling those services fail their dry run.`);
    io.err(`\n(from ${this.catalog.file}; check health with: orch services:check [name])`);
    return 0;
  }
}

import { inject, injectable } from 'inversify';
import { CliCommand, describeError, isOrchError, Paths, type CommandIO } from '../../kernel/index.js';
import { ServerLink, ServerStatusSchema, type ServerStatus } from './api/index.js';
import { ServerFile, type ServerFileState } from './server-file.js';
import { SnapshotBuilder } from './snapshot-builder.js';
import { renderStatus, type ShownSection } from './status-view.js';

/** `orch status`: the server, bridges, runs and approvals — through the live server, else from the files. */
@injectable()
export class StatusCommand implements CliCommand {
  readonly name = 'status';

  constructor(
    @inject(ServerFile) private readonly file: ServerFile,
    @inject(ServerLink) private readonly link: ServerLink,
    @inject(SnapshotBuilder) private readonly snapshots: SnapshotBuilder,
    @inject(Paths) private readonly paths: Paths,
  ) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const timeoutMs = typeof args.timeout === 'number' && args.timeout > 0 ? args.timeout : 5000;
    const found = await this.file.inspect(Math.min(timeoutMs, 1500));
    let status: ServerStatus | undefined;
    let downReason = reasonOf(found, this.file.file);
    if (found.kind === 'alive') {
      try {
        const reply = await this.link.request('GET', '/status', undefined, { timeoutMs });
        const parsed = ServerStatusSchema.safeParse(reply);
        if (!parsed.success) throw new Error(`its /api/status answer does not match this CLI's schema (${parsed.error.issues[0]?.message})`);
        status = parsed.data;
      } catch (error) {
        downReason = `the server at ${found.location.baseUrl} did not give its status: ${isOrchError(error) ? error.message : describeError(error)}`;
      }
    }
    if (!status && args.probe === true) await this.snapshots.probe(timeoutMs);
    status ??= {
      server: { state: 'down', home: this.paths.home, reason: downReason },
      source: 'direct',
      ...(await this.snapshots.build()),
    };
    if (io.json) io.printJson(status);
    else io.out(renderStatus(status, this.shownSections()));
    return 0;
  }

  /** The sections the manifests declare, described by the loaded plugin's code when it checks out. */
  private shownSections(): ShownSection[] {
    return this.snapshots.declared().map((declared) => {
      const section = this.snapshots.section(declared.name);
      return {
        ...declared,
        describe: section
          ? (value: unknown, source: 'server' | 'direct') => {
              const parsed = section.schema.safeParse(value);
              return parsed.success ? section.describe(parsed.data, source) : [JSON.stringify(value)];
            }
          : undefined,
      };
    });
  }
}

function reasonOf(state: ServerFileState, file: string): string {
  switch (state.kind) {
    case 'none':
      return `no server has been started for this home (no ${file})`;
    case 'stale':
      return `the last server is gone: ${state.reason}`;
    case 'unresponsive':
      return `pid ${state.location.pid} runs but does not answer: ${state.reason}`;
    case 'alive':
      return 'running';
  }
}

import { inject, injectable, optional } from 'inversify';
import {
  CliCommand,
  describeError,
  isOrchError,
  McpBridge,
  Paths,
  ServerLink,
  ServerStatusSchema,
  type CommandIO,
  type ServerStatus,
} from '../../kernel/index.js';
import { ServerFile, type ServerFileState } from './server-file.js';
import { SnapshotBuilder } from './snapshot-builder.js';
import { renderStatus } from './status-view.js';

/** `orch status`: the server, bridges, runs and approvals — through the live server, else from the files. */
@injectable()
export class StatusCommand implements CliCommand {
  readonly name = 'status';

  constructor(
    @inject(ServerFile) private readonly file: ServerFile,
    @inject(ServerLink) private readonly link: ServerLink,
    @inject(SnapshotBuilder) private readonly snapshots: SnapshotBuilder,
    @inject(Paths) private readonly paths: Paths,
    @inject(McpBridge) @optional() private readonly bridge: McpBridge | undefined,
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
    if (!status && args.probe === true && this.bridge) await this.probeBridge(this.bridge, timeoutMs);
    status ??= {
      server: { state: 'down', home: this.paths.home, reason: downReason },
      source: 'direct',
      ...(await this.snapshots.build()),
    };
    if (io.json) io.printJson(status);
    else io.out(renderStatus(status));
    return 0;
  }

  /** Connects every alias of this command's own bridge, each bounded by `timeoutMs`; the snapshot then shows the outcome. */
  private async probeBridge(bridge: McpBridge, timeoutMs: number): Promise<void> {
    await Promise.allSettled(
      bridge.aliases().map((alias) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
        return Promise.race([bridge.connect(alias), timeout]).finally(() => clearTimeout(timer));
      }),
    );
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

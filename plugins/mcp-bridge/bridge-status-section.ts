import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { OrchError, type StatusSection } from '../../kernel/index.js';
import { BridgeStateSchema, McpBridge } from './api/index.js';

const DIM = (text: string): string => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[2m${text}\u001b[22m` : text);

export const BridgeSummarySchema = z.object({
  alias: z.string(),
  state: BridgeStateSchema,
  transport: z.enum(['stdio', 'http']),
  required: z.boolean(),
  tools: z.number().int().nonnegative(),
  attempt: z.number().int().nonnegative(),
  nextRetryAt: z.string().optional(),
  lastError: z.string().optional(),
});
export type BridgeSummary = z.infer<typeof BridgeSummarySchema>;

/** `bridges` of the status snapshot: every alias, its state, tools and retry schedule. */
@injectable()
export class BridgeStatusSection implements StatusSection<BridgeSummary[]> {
  readonly name = 'bridges';
  readonly schema = z.array(BridgeSummarySchema);

  constructor(@inject(McpBridge) private readonly bridge: McpBridge) {}

  async build(): Promise<BridgeSummary[]> {
    const problem = this.bridge.configProblem?.();
    if (problem) throw new OrchError('invalid_input', problem);
    return this.bridge.status().map((s) => ({
      alias: s.alias,
      state: s.state,
      transport: s.transport,
      required: s.required,
      tools: s.tools.length,
      attempt: s.attempt,
      ...(s.nextRetryAt ? { nextRetryAt: s.nextRetryAt } : {}),
      ...(s.lastError ? { lastError: s.lastError } : {}),
    }));
  }

  describe(bridges: BridgeSummary[], source: 'server' | 'direct'): string[] {
    if (bridges.length === 0) return ['no MCP servers configured (config/mcp.servers.json)'];
    const width = Math.max(...bridges.map((b) => b.alias.length));
    const rows = bridges.map((b) => {
      const extra =
        b.state === 'connected'
          ? `${b.tools} tool${b.tools === 1 ? '' : 's'}`
          : [b.attempt > 0 ? `attempt ${b.attempt}` : '', b.nextRetryAt ? `next try ${b.nextRetryAt}` : '', b.lastError ?? ''].filter(Boolean).join(', ');
      return `${b.alias.padEnd(width)}  ${b.state.padEnd(12)} ${b.transport}${b.required ? ', required' : ''}${extra ? ` — ${extra}` : ''}`;
    });
    if (source === 'direct' && bridges.some((b) => b.state !== 'connected')) {
      const note = bridges.some((b) => b.lastError)
        ? 'check the MCP server: it did not answer this command'
        : 'as seen by this command, which holds no MCP session; `orch status --probe` tries to connect';
      rows.push(DIM(`(${note})`));
    }
    return rows;
  }

  /** Connects every alias of this process's bridge, each bounded by `timeoutMs`; the section then shows the outcome. */
  async probe(timeoutMs: number): Promise<void> {
    await Promise.allSettled(
      this.bridge.aliases().map((alias) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
        return Promise.race([this.bridge.connect(alias), timeout]).finally(() => clearTimeout(timer));
      }),
    );
  }
}

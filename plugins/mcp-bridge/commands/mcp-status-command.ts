import { inject, injectable } from 'inversify';
import { renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { type BridgeAliasStatus } from '../api/index.js';
import { BridgeAccess } from './bridge-access.js';

/** `orch mcp:status`: every alias, its state, tools and what is wrong when it is not connected. */
@injectable()
export class McpStatusCommand implements CliCommand {
  readonly name = 'mcp:status';

  constructor(@inject(BridgeAccess) private readonly access: BridgeAccess) {}

  async run(_args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const view = await this.access.open(io);
    const servers = await view.status();
    const requiredDown = servers.filter((s) => s.required && s.state !== 'connected');
    if (io.json) {
      io.printJson({ via: view.via, servers });
      return requiredDown.length ? 1 : 0;
    }
    if (servers.length === 0) {
      io.out('No MCP servers are configured (config/mcp.servers.json).');
      return 0;
    }
    io.out(
      renderTable(
        ['ALIAS', 'TRANSPORT', 'STATE', 'TOOLS', 'SESSION', 'DETAIL'],
        servers.map((s) => [`${s.alias}${s.required ? ' *' : ''}`, s.transport, s.state, String(s.tools.length), sessionOf(s), detailOf(s)]),
      ),
    );
    if (servers.some((s) => s.required)) io.out('* required');
    const down = servers.filter((s) => s.state !== 'connected');
    if (down.length) {
      io.err(`\n${down.map((s) => s.alias).join(', ')} ${down.length === 1 ? 'is' : 'are'} not connected — check that the MCP server is running and that config/mcp.servers.json points at it.`);
    }
    return requiredDown.length ? 1 : 0;
  }
}

function sessionOf(status: BridgeAliasStatus): string {
  if (status.pid) return `pid ${status.pid}`;
  if (status.sessionId) return status.sessionId.length > 13 ? `${status.sessionId.slice(0, 12)}…` : status.sessionId;
  return '-';
}

function detailOf(status: BridgeAliasStatus): string {
  if (status.state === 'connected') return status.description ?? (status.lastConnectedAt ? `since ${status.lastConnectedAt}` : '');
  const retry = status.nextRetryAt ? `retry #${status.attempt} in ${Math.max(0, Math.ceil((Date.parse(status.nextRetryAt) - Date.now()) / 1000))} s` : '';
  return [status.lastError, retry].filter(Boolean).join('; ') || 'not tried yet';
}

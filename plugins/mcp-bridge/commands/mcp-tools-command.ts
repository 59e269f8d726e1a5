import { inject, injectable } from 'inversify';
import { describeError, renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { type McpToolInfo } from '../api/index.js';
import { BridgeAccess } from './bridge-access.js';

/** `orch mcp:tools [alias]`: the tools of one alias or of all, with their arguments. */
@injectable()
export class McpToolsCommand implements CliCommand {
  readonly name = 'mcp:tools';

  constructor(@inject(BridgeAccess) private readonly access: BridgeAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const view = await this.access.open(io);
    const only = typeof args.alias === 'string' && args.alias ? args.alias : undefined;
    if (only) {
      const tools = await view.tools(only); // an unknown or unreachable alias is the command's error
      if (io.json) io.printJson({ via: view.via, alias: only, tools });
      else io.out(renderTools(only, tools));
      return 0;
    }
    const aliases = (await view.status()).map((s) => s.alias);
    const listed: { alias: string; tools?: McpToolInfo[]; error?: string }[] = [];
    for (const alias of aliases) {
      try {
        listed.push({ alias, tools: await view.tools(alias) });
      } catch (error) {
        listed.push({ alias, error: describeError(error) });
      }
    }
    if (io.json) io.printJson({ via: view.via, servers: listed });
    else if (listed.length === 0) io.out('No MCP servers are configured (config/mcp.servers.json).');
    else io.out(listed.map((l) => (l.tools ? renderTools(l.alias, l.tools) : `${l.alias}: ${l.error}`)).join('\n\n'));
    return listed.some((l) => l.error) ? 1 : 0;
  }
}

function renderTools(alias: string, tools: McpToolInfo[]): string {
  const heading = `${alias} — ${tools.length} tool${tools.length === 1 ? '' : 's'}`;
  if (tools.length === 0) return heading;
  return `${heading}\n${renderTable(
    ['TOOL', 'ARGUMENTS (* required)', 'DESCRIPTION'],
    tools.map((t) => [t.name, argumentsOf(t.inputSchema), firstSentence(t.description ?? t.title ?? '')]),
  )}`;
}

function argumentsOf(schema: Record<string, unknown>): string {
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown; enum?: unknown[] }>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const parts = Object.entries(properties).map(([name, p]) => {
    const type = Array.isArray(p.enum) ? p.enum.map((v) => JSON.stringify(v)).join('|') : Array.isArray(p.type) ? p.type.join('|') : String(p.type ?? 'any');
    return `${name}${required.has(name) ? '*' : ''}: ${type}`;
  });
  return parts.join(', ') || '(none)';
}

function firstSentence(text: string): string {
  const line = text.split('\n')[0]!.trim();
  const end = line.search(/[.!?]\s+(?=[A-Z])/);
  const sentence = end > 0 ? line.slice(0, end + 1) : line;
  return sentence.length > 90 ? `${sentence.slice(0, 89)}…` : sentence;
}

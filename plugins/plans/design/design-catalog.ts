import { inject, injectable, optional } from 'inversify';
import { z } from 'zod';
import { Config, describeError } from '../../../kernel/index.js';
import { AgentRegistry } from '../../agents/api/index.js';
import { McpBridge, type McpToolInfo } from '../../mcp-bridge/api/index.js';
import { NodeTypeCatalog, type NodeTypeInfo } from '../node-type-catalog.js';

/** How long the Designer waits for one MCP server's tool list before leaving it out. */
const TOOL_LIST_TIMEOUT_MS = 10_000;

export interface DesignCatalog {
  nodeTypes: NodeTypeInfo[];
  agents: { name: string; description: string; riskLevel: string }[];
  mcpServers: { alias: string; tools: { name: string; description: string; args: Record<string, unknown> }[]; unreachable?: string }[];
  services: { name: string; description: string }[];
}

/** `config/services.json` as far as the Designer needs it: names and descriptions (its owner validates the rest). */
const ServiceNamesSchema = z.record(z.string(), z.looseObject({ description: z.string().optional() }));

/**
 * What a plan may use in this installation — node kinds, agents, MCP tools, services — as the
 * Designer tells the model. Each source is optional: a plugin that is not loaded adds nothing.
 */
@injectable()
export class DesignCatalogReader {
  constructor(
    @inject(NodeTypeCatalog) private readonly nodeTypes: NodeTypeCatalog,
    @inject(Config) private readonly config: Config,
    @inject(AgentRegistry) @optional() private readonly agents: AgentRegistry | undefined,
    @inject(McpBridge) @optional() private readonly bridge: McpBridge | undefined,
  ) {}

  async read(): Promise<DesignCatalog> {
    const nodeTypes = this.nodeTypes.describe();
    const agents = (this.agents?.list() ?? []).map((a) => ({ name: a.config.name, description: a.config.description, riskLevel: a.config.riskLevel }));
    const mcpServers = await Promise.all((this.bridge?.aliases() ?? []).map((alias) => this.toolsOf(alias)));
    const services = nodeTypes.some((t) => t.type === 'external_service') ? await this.services() : [];
    return { nodeTypes, agents, mcpServers, services };
  }

  private async toolsOf(alias: string): Promise<DesignCatalog['mcpServers'][number]> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const tools = await Promise.race([
        this.bridge!.listTools(alias),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no tool list within ${TOOL_LIST_TIMEOUT_MS / 1000} s`)), TOOL_LIST_TIMEOUT_MS);
        }),
      ]);
      return { alias, tools: tools.map(describeTool) };
    } catch (error) {
      return { alias, tools: [], unreachable: describeError(error) };
    } finally {
      clearTimeout(timer);
    }
  }

  private async services(): Promise<DesignCatalog['services']> {
    try {
      const services = await this.config.load('services.json', ServiceNamesSchema, {});
      return Object.entries(services).map(([name, s]) => ({ name, description: s.description ?? '' }));
    } catch {
      return []; // a broken services.json is the external-service plugin's to report
    }
  }
}

function describeTool(tool: McpToolInfo): { name: string; description: string; args: Record<string, unknown> } {
  return { name: tool.name, description: tool.description ?? tool.title ?? '', args: tool.inputSchema };
}

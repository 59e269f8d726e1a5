import { inject, injectable, multiInject, optional } from 'inversify';
import { describeError } from '../../kernel/index.js';
import { AgentFunctionTool, type AgentConfig } from './api/index.js';
import { McpBridge, type McpToolInfo } from '../mcp-bridge/api/index.js';
import { type DryRunIssue } from '../plans/api/index.js';
import { ModelClients } from './model-clients.js';
import { OutputSchema } from './output-schema.js';
import { FileAgentRegistry } from './registry.js';

/** How long listing an MCP server's tools may take during a check (best effort). */
const TOOL_LISTING_TIMEOUT_MS = 3_000;

/**
 * What the schema cannot see: that the names in an agent config exist — its model provider, MCP
 * servers and allowed tools, function tools, handoff agents — and that its output schema is a
 * usable JSON Schema. Used by `agents:config:validate`, the Meta Agent and the registry's callers.
 * An MCP server that cannot be reached now is a warning (its tools were not checked), not an error.
 */
@injectable()
export class AgentConfigChecker {
  constructor(
    @inject(FileAgentRegistry) private readonly registry: FileAgentRegistry,
    @inject(ModelClients) private readonly clients: ModelClients,
    @inject(McpBridge) @optional() private readonly bridge: McpBridge | undefined,
    @multiInject(AgentFunctionTool) @optional() private readonly functions: AgentFunctionTool[] | undefined,
  ) {}

  functionTools(): AgentFunctionTool[] {
    return this.functions ?? [];
  }

  /** Each MCP alias with its tools, or undefined when the server cannot be reached within a few seconds. */
  async mcpTools(aliases?: string[]): Promise<Map<string, McpToolInfo[] | undefined>> {
    const found = new Map<string, McpToolInfo[] | undefined>();
    const bridge = this.bridge;
    if (!bridge) return found;
    const wanted = (aliases ?? bridge.aliases()).filter((a) => bridge.aliases().includes(a));
    await Promise.all(
      wanted.map(async (alias) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), TOOL_LISTING_TIMEOUT_MS);
        });
        found.set(alias, await Promise.race([bridge.listTools(alias).catch(() => undefined), timeout]));
        clearTimeout(timer);
      }),
    );
    return new Map([...found.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  async check(config: AgentConfig, known?: Map<string, McpToolInfo[] | undefined>): Promise<DryRunIssue[]> {
    const issues: DryRunIssue[] = [];
    const models = await this.clients.settings();
    if (config.model.provider && !models.providers[config.model.provider]) {
      issues.push({ path: 'model.provider', message: `unknown provider "${config.model.provider}"; config/models.json defines ${Object.keys(models.providers).join(', ')}` });
    }
    const mcpAliases = [...new Set(config.tools.flatMap((t) => ('mcp' in t ? [t.mcp] : [])))];
    const tools: Map<string, McpToolInfo[] | undefined> = known ?? (mcpAliases.length ? await this.mcpTools(mcpAliases) : new Map());
    const functionNames = this.functionTools().map((f) => f.name);
    config.tools.forEach((tool, index) => {
      if ('function' in tool) {
        if (!functionNames.includes(tool.function)) {
          issues.push({ path: `tools.${index}.function`, message: `no plugin contributes a function tool "${tool.function}"; known: ${functionNames.join(', ') || 'none'}` });
        }
        return;
      }
      if (!this.bridge) {
        issues.push({ path: `tools.${index}.mcp`, severity: 'warning', message: `the mcp-bridge plugin is not loaded, so MCP server "${tool.mcp}" was not checked` });
        return;
      }
      const bridgeProblem = this.bridge.configProblem?.();
      if (bridgeProblem) {
        issues.push({ path: `tools.${index}.mcp`, message: bridgeProblem });
        return;
      }
      if (!this.bridge.aliases().includes(tool.mcp)) {
        issues.push({ path: `tools.${index}.mcp`, message: `unknown MCP server "${tool.mcp}"; config/mcp.servers.json defines ${this.bridge.aliases().join(', ') || 'none'}` });
        return;
      }
      const listed = tools.get(tool.mcp);
      if (!listed) {
        if (tool.allow?.length) {
          issues.push({ path: `tools.${index}.allow`, severity: 'warning', message: `MCP server "${tool.mcp}" could not be reached, so the allowed tools were not checked` });
        }
        return;
      }
      const missing = (tool.allow ?? []).filter((name) => !listed.some((t) => t.name === name));
      if (missing.length) {
        issues.push({
          path: `tools.${index}.allow`,
          message: `MCP server "${tool.mcp}" has no tool ${missing.map((n) => `"${n}"`).join(', ')}; its tools: ${listed.map((t) => t.name).join(', ') || '(none)'}`,
        });
      }
    });
    for (const [index, handoff] of config.handoffs.entries()) {
      if (handoff === config.name) issues.push({ path: `handoffs.${index}`, message: 'an agent cannot hand off to itself' });
      else if (!this.registry.get(handoff)) {
        issues.push({ path: `handoffs.${index}`, message: `no agent "${handoff}" in the registry; known: ${this.registry.list().map((a) => a.config.name).join(', ') || 'none'}` });
      }
    }
    if (config.outputSchema) {
      try {
        OutputSchema.compile(config.outputSchema);
      } catch (error) {
        issues.push({ path: 'outputSchema', message: describeError(error) });
      }
    }
    return issues;
  }
}

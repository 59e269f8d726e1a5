import { inject, injectable } from 'inversify';
import type { z } from 'zod';
import { OrchError, describeError } from '../../kernel/index.js';
import { McpToolParamsSchema, toolResultText, type McpToolParams } from './api/index.js';
import { type DryRunContext, type DryRunIssue, type NodeAdapter, type NodeRunContext, type RiskLevel } from '../plans/api/index.js';
import { SharedMcpBridge } from './shared-mcp-bridge.js';
import { checkToolArgs } from './tool-args-validator.js';


/** What an `mcp_tool` node leaves in `nodes.<id>`. */
export interface McpToolOutput {
  /** The text blocks of the result, joined by newlines. */
  text: string;
  /** The tool's structured result, when it gives one (null otherwise). */
  structured: unknown;
  /** Every content block as the server sent it. */
  content: unknown[];
}

/**
 * `mcp_tool` nodes: call a tool of a configured MCP server through the bridge (so the call is
 * recorded like any other). Arguments are checked against the tool's input schema at dry run (when
 * the server can be reached — otherwise a warning) and again at call time; timeout and cancellation
 * pass through; progress notifications become `node.progress` events; an `isError` result fails the
 * node with the server's message.
 */
@injectable()
export class McpToolAdapter implements NodeAdapter<McpToolParams, McpToolOutput> {
  readonly type = 'mcp_tool' as const;
  readonly paramsSchema = McpToolParamsSchema as unknown as z.ZodType<McpToolParams>;
  readonly defaultRiskLevel: RiskLevel = 'medium';
  readonly description = 'Calls a tool of an MCP server configured in config/mcp.servers.json';

  constructor(@inject(SharedMcpBridge) private readonly bridge: SharedMcpBridge) {}

  riskOf(params: McpToolParams): RiskLevel {
    return this.bridge.riskOf(params.server);
  }

  async dryRun(ctx: DryRunContext<McpToolParams>): Promise<DryRunIssue[]> {
    const { server, tool, args } = ctx.params;
    const problem = this.bridge.configProblem?.();
    if (problem) return [{ path: 'server', message: problem }];
    if (!this.bridge.aliases().includes(server)) {
      const known = this.bridge.aliases();
      return [{ path: 'server', message: `unknown MCP server "${server}"; config/mcp.servers.json defines ${known.length ? known.join(', ') : 'none'}` }];
    }
    let tools;
    try {
      tools = await this.bridge.listTools(server);
    } catch (error) {
      return [
        {
          path: 'server',
          severity: 'warning',
          message: `MCP server ${server} could not be reached, so tool "${tool}" and its arguments were not checked (${describeError(error)})`,
        },
      ];
    }
    const found = tools.find((t) => t.name === tool);
    if (!found) {
      return [{ path: 'tool', message: `MCP server ${server} has no tool "${tool}"; its tools: ${tools.map((t) => t.name).join(', ') || '(none)'}` }];
    }
    return checkToolArgs(found.inputSchema, args, { prefix: 'args', skipTemplates: true });
  }

  async run(ctx: NodeRunContext<McpToolParams>): Promise<McpToolOutput> {
    const { server, tool, args } = ctx.params;
    const result = await this.bridge.invokeTool({
      alias: server,
      tool,
      args,
      operator: ctx.operator,
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      caller: 'plan',
      signal: ctx.signal,
      timeoutMs: ctx.timeoutMs,
      onProgress: (progress, total, message) => ctx.reportProgress(progress, total, message),
    });
    const text = toolResultText(result);
    if (result.isError) {
      throw new OrchError('internal', `MCP tool ${server}/${tool} failed: ${text || 'the tool reported an error without a message'}`, { alias: server, tool });
    }
    return { text, structured: result.structuredContent ?? null, content: result.content };
  }
}

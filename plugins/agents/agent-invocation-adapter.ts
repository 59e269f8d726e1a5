import { inject, injectable, optional } from 'inversify';
import type { z } from 'zod';
import { AgentInvocationParamsSchema, type AgentInvocationOutput, type AgentInvocationParams } from './api/index.js';
import { McpBridge } from '../mcp-bridge/api/index.js';
import { templateExpressions, type DryRunContext, type DryRunIssue, type NodeAdapter, type NodeRunContext, type RiskLevel } from '../plans/api/index.js';
import { AgentInvoker } from './agent-invoker.js';
import { ModelClients } from './model-clients.js';
import { OutputSchema } from './output-schema.js';
import { FileAgentRegistry } from './registry.js';


/**
 * `agent_invocation` nodes: run an agent of the registry with the node's input. MCP tools go
 * through the bridge (recorded by `onToolInvoke`), the node's timeout and cancellation stop the run,
 * the answer must match the node's (else the agent's) `outputSchema`, and the output carries usage
 * and the tool calls made. Risk is the agent's `riskLevel`.
 */
@injectable()
export class AgentInvocationAdapter implements NodeAdapter<AgentInvocationParams, AgentInvocationOutput> {
  readonly type = 'agent_invocation' as const;
  readonly paramsSchema = AgentInvocationParamsSchema as unknown as z.ZodType<AgentInvocationParams>;
  readonly defaultRiskLevel: RiskLevel = 'medium';
  readonly description = 'Runs an AI agent of agents-config/ (@openai/agents) with the node input; MCP tools go through the bridge';

  constructor(
    @inject(FileAgentRegistry) private readonly registry: FileAgentRegistry,
    @inject(AgentInvoker) private readonly invoker: AgentInvoker,
    @inject(ModelClients) private readonly clients: ModelClients,
    @inject(McpBridge) @optional() private readonly bridge: McpBridge | undefined,
  ) {}

  riskOf(params: AgentInvocationParams): RiskLevel {
    return this.registry.get(params.agent)?.config.riskLevel ?? this.defaultRiskLevel;
  }

  async dryRun(ctx: DryRunContext<AgentInvocationParams>): Promise<DryRunIssue[]> {
    const { agent, outputSchema } = ctx.params;
    const issues: DryRunIssue[] = [];
    if (templateExpressions(agent).length > 0) return issues;
    const found = this.registry.get(agent);
    if (!found) {
      const known = this.registry.list().map((a) => a.config.name);
      const broken = this.registry.problems().find((p) => p.file.endsWith(`/${agent}.json`));
      issues.push({
        path: 'agent',
        message: `unknown agent "${agent}"${broken ? ` (${broken.file} is invalid: ${broken.message})` : ''}; known agents: ${known.length ? known.join(', ') : 'none'}`,
      });
      return issues;
    }
    if (outputSchema) {
      try {
        OutputSchema.compile(outputSchema);
      } catch (error) {
        issues.push({ path: 'outputSchema', message: (error as Error).message });
      }
    }
    await this.checkAgentGroup(found.config.name, issues);
    return issues;
  }

  async run(ctx: NodeRunContext<AgentInvocationParams>): Promise<AgentInvocationOutput> {
    return this.invoker.invoke(ctx.params.agent, ctx.params.input, {
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      operator: ctx.operator,
      signal: ctx.signal,
      outputSchema: ctx.params.outputSchema,
    });
  }

  /** The agent and its handoffs: providers configured, handoffs and MCP aliases known. */
  private async checkAgentGroup(name: string, issues: DryRunIssue[]): Promise<void> {
    const seen = new Set<string>();
    const reached = new Set<string>();
    const queue = [name];
    while (queue.length > 0) {
      const current = queue.shift()!;
      if (seen.has(current)) continue;
      seen.add(current);
      const entry = this.registry.get(current);
      const via = current === name ? '' : ` (handoff "${current}")`;
      if (!entry) {
        issues.push({ path: 'agent', message: `agent "${name}" hands off to "${current}", which is not in the registry` });
        continue;
      }
      const { config } = entry;
      try {
        const target = await this.clients.resolve({ provider: config.model.provider, model: config.model.name });
        if (!reached.has(target.provider)) {
          reached.add(target.provider);
          await this.clients.reach(target);
        }
      } catch (error) {
        // Not an error of the plan: the model server may well be up when the plan runs.
        issues.push({ path: 'agent', severity: 'warning', message: `${(error as Error).message}${via}` });
      }
      for (const tool of config.tools) {
        if (!('mcp' in tool)) continue;
        if (!this.bridge) {
          issues.push({ path: 'agent', message: `agent "${current}" uses MCP tools of "${tool.mcp}", but the mcp-bridge plugin is not loaded` });
        } else if (this.bridge.configProblem?.()) {
          issues.push({ path: 'agent', message: `agent "${current}" uses MCP server "${tool.mcp}": ${this.bridge.configProblem?.()}` });
        } else if (!this.bridge.aliases().includes(tool.mcp)) {
          issues.push({ path: 'agent', message: `agent "${current}" uses MCP server "${tool.mcp}", which config/mcp.servers.json does not define (${this.bridge.aliases().join(', ') || 'none'})` });
        }
      }
      queue.push(...config.handoffs);
    }
  }
}

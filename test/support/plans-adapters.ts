import { z } from 'zod';
import { AgentInvocationParamsSchema } from '../../plugins/agents/api/index.js';
import { HumanApprovalParamsSchema } from '../../plugins/approvals/api/index.js';
import { ExternalServiceParamsSchema } from '../../plugins/external-service/api/index.js';
import { McpToolParamsSchema } from '../../plugins/mcp-bridge/api/index.js';
import { NodeAdapter, type DryRunIssue, type NodeRunContext, type RiskLevel } from '../../plugins/plans/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { TestHome } from './test-home.js';

/**
 * Stand-in node adapters for the plans tests: the real adapters' shapes (the very params schemas of
 * the agent, MCP, service and approval nodes; risk rules; existence checks in `dryRun`) without
 * their side effects. Every `run` call is counted, so
 * a test can prove that a dry run runs nothing.
 */
export const runCalls: string[] = [];

function adapter<P>(spec: {
  type: NodeAdapter['type'];
  kind?: string;
  paramsSchema: z.ZodType<P>;
  requiredFields?: NodeAdapter['requiredFields'];
  risk?: RiskLevel;
  riskOf?: (params: P) => RiskLevel;
  renderTemplates?: boolean;
  dryRun?: (params: P) => DryRunIssue[] | Promise<DryRunIssue[]>;
}): NodeAdapter<P> {
  return {
    type: spec.type,
    kind: spec.kind,
    paramsSchema: spec.paramsSchema,
    ...(spec.requiredFields ? { requiredFields: spec.requiredFields } : {}),
    defaultRiskLevel: spec.risk ?? 'low',
    riskOf: spec.riskOf,
    renderTemplates: spec.renderTemplates,
    description: `test ${spec.type}${spec.kind ? `:${spec.kind}` : ''}`,
    dryRun: spec.dryRun ? async (ctx) => spec.dryRun!(ctx.params) : undefined,
    async run(ctx: NodeRunContext<P>) {
      runCalls.push(ctx.nodeId);
      return {};
    },
  };
}

export const KNOWN_AGENTS = ['summarizer', 'classifier'];
export const KNOWN_TOOLS: Record<string, string[]> = { sample: ['text_stats', 'hash_text'] };
export const KNOWN_SERVICES = ['billing'];

export const echoTask = adapter({ type: 'local_task', kind: 'echo', paramsSchema: z.record(z.string(), z.unknown()) });

export const countTask = adapter({
  type: 'local_task',
  kind: 'count',
  paramsSchema: z.strictObject({ to: z.number().int().min(1), label: z.string().optional() }),
});

/** High risk by default; shell strings are never template-rendered. */
export const shellTask = adapter({
  type: 'local_task',
  kind: 'shell',
  paramsSchema: z.strictObject({ command: z.string().min(1) }),
  risk: 'high',
  renderTemplates: false,
});

/** Risk depends on the operation, like the real file adapter. */
export const filesTask = adapter({
  type: 'local_task',
  kind: 'files',
  paramsSchema: z.strictObject({ operation: z.enum(['read', 'write', 'delete']), path: z.string().min(1), content: z.string().optional() }),
  riskOf: (p) => (p.operation === 'delete' ? 'high' : p.operation === 'write' ? 'medium' : 'low'),
});

export const agentNode = adapter({
  type: 'agent_invocation',
  paramsSchema: AgentInvocationParamsSchema,
  risk: 'medium',
  dryRun: (p) => (KNOWN_AGENTS.includes(p.agent) ? [] : [{ path: 'agent', message: `unknown agent "${p.agent}"; known agents: ${KNOWN_AGENTS.join(', ')}` }]),
});

export const mcpNode = adapter({
  type: 'mcp_tool',
  paramsSchema: McpToolParamsSchema,
  risk: 'medium',
  dryRun: (p) => {
    const tools = KNOWN_TOOLS[p.server];
    if (!tools) return [{ path: 'server', message: `unknown MCP server "${p.server}"` }];
    return tools.includes(p.tool) ? [] : [{ path: 'tool', message: `MCP server ${p.server} has no tool "${p.tool}"; its tools: ${tools.join(', ')}` }];
  },
});

export const serviceNode = adapter({
  type: 'external_service',
  paramsSchema: ExternalServiceParamsSchema,
  dryRun: (p) => (KNOWN_SERVICES.includes(p.service) ? [] : [{ path: 'service', message: `unknown service "${p.service}" (config/services.json)` }]),
});

export const approvalNode = adapter({
  type: 'human_approval',
  paramsSchema: HumanApprovalParamsSchema,
  requiredFields: { title: 'an approval needs a title' },
});

export const ALL_TEST_ADAPTERS: NodeAdapter[] = [echoTask, countTask, shellTask, filesTask, agentNode, mcpNode, serviceNode, approvalNode] as NodeAdapter[];

/** A kernel with only the plans plugin (and core), the test adapters bound, started. */
export async function bootPlansKernel(home: TestHome, adapters: NodeAdapter[] = ALL_TEST_ADAPTERS): Promise<Kernel> {
  const kernel = await home.boot({ only: ['plans'] });
  for (const a of adapters) kernel.container.bind(NodeAdapter).toConstantValue(a);
  await kernel.start();
  return kernel;
}

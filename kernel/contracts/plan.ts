import { z } from 'zod';
import { RiskLevelSchema, type RiskLevel } from './risk-level.js';

/**
 * The Plan: the contract between the Designer, the dry run, the Executor and the GUI.
 *
 * Expressions (`when`, `while`, `forEach`, input mappings, `{{ … }}` templates in params) are JSONata,
 * evaluated against `{ input, nodes, vars, item, index }`: `input` holds the plan's inputs, `nodes.<id>`
 * the output of an earlier node, `vars` this node's mapped inputs, `item`/`index` the current loop element.
 */

export const NODE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const NodeId = z.string().regex(NODE_ID_PATTERN, 'node ids start with a letter and use letters, digits, "_" and "-"');
const Expression = z.string().min(1, 'an expression cannot be empty');

export const RetryPolicySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(10).default(3),
  backoffMs: z.number().int().min(0).max(600_000).default(1000),
  factor: z.number().min(1).max(10).default(2),
});
export type RetryPolicy = z.output<typeof RetryPolicySchema>;

const common = {
  id: NodeId,
  title: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
  /** Pause for a person before this node runs. Defaults to true for `high`/`critical` risk. */
  requiresApproval: z.boolean().optional(),
  /** Why a high-risk node may run without approval; without it, high risk implies approval. */
  waiveApproval: z.string().min(1).optional(),
  /** Defaults to the adapter's risk level. */
  riskLevel: RiskLevelSchema.optional(),
  retry: RetryPolicySchema.optional(),
  timeoutMs: z.number().int().positive().max(7 * 24 * 3600_000).optional(),
  /** name → JSONata expression over earlier outputs and plan inputs; available as `vars.<name>`. */
  inputs: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), Expression).optional(),
};

interface CommonFields {
  id: string;
  title?: string;
  description?: string;
  requiresApproval?: boolean;
  waiveApproval?: string;
  riskLevel?: RiskLevel;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  inputs?: Record<string, string>;
}

export interface SequenceNode extends CommonFields {
  type: 'sequence';
  children: PlanNode[];
}
export interface ParallelNode extends CommonFields {
  type: 'parallel';
  children: PlanNode[];
  maxConcurrency?: number;
}
export interface ConditionalNode extends CommonFields {
  type: 'conditional';
  branches: { when: string; then: PlanNode }[];
  else?: PlanNode;
}
export interface LoopNode extends CommonFields {
  type: 'loop';
  body: PlanNode;
  while?: string;
  forEach?: string;
  maxIterations: number;
}
export interface HumanApprovalNode extends CommonFields {
  type: 'human_approval';
  prompt: string;
  approvers?: string[];
  onTimeout?: 'reject' | 'approve' | 'escalate';
}
export interface LocalTaskNode extends CommonFields {
  type: 'local_task';
  kind: string;
  params: Record<string, unknown>;
}
export interface AgentInvocationNode extends CommonFields {
  type: 'agent_invocation';
  agent: string;
  input: unknown;
  outputSchema?: Record<string, unknown>;
}
export interface McpToolNode extends CommonFields {
  type: 'mcp_tool';
  server: string;
  tool: string;
  args?: Record<string, unknown>;
}
export interface ExternalServiceNode extends CommonFields {
  type: 'external_service';
  service: string;
  operation: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD'; path: string };
  request?: { query?: Record<string, unknown>; headers?: Record<string, string>; body?: unknown };
}

export type CompositeNode = SequenceNode | ParallelNode | ConditionalNode | LoopNode;
export type LeafNode = HumanApprovalNode | LocalTaskNode | AgentInvocationNode | McpToolNode | ExternalServiceNode;
export type PlanNode = CompositeNode | LeafNode;
export type PlanNodeType = PlanNode['type'];

export const COMPOSITE_NODE_TYPES = ['sequence', 'parallel', 'conditional', 'loop'] as const;
export const LEAF_NODE_TYPES = ['human_approval', 'local_task', 'agent_invocation', 'mcp_tool', 'external_service'] as const;

export const PlanNodeSchema: z.ZodType<PlanNode> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ ...common, type: z.literal('sequence'), children: z.array(PlanNodeSchema).min(1) }),
    z.strictObject({
      ...common,
      type: z.literal('parallel'),
      children: z.array(PlanNodeSchema).min(1),
      maxConcurrency: z.number().int().min(1).max(10).default(10),
    }),
    z.strictObject({
      ...common,
      type: z.literal('conditional'),
      branches: z.array(z.strictObject({ when: Expression, then: PlanNodeSchema })).min(1),
      else: PlanNodeSchema.optional(),
    }),
    z
      .strictObject({
        ...common,
        type: z.literal('loop'),
        body: PlanNodeSchema,
        while: Expression.optional(),
        forEach: Expression.optional(),
        maxIterations: z.number().int().min(1).max(10_000),
      })
      .refine((n) => (n.while === undefined) !== (n.forEach === undefined), {
        message: 'a loop needs exactly one of "while" or "forEach"',
        path: ['while'],
      }),
    z.strictObject({
      ...common,
      type: z.literal('human_approval'),
      title: z.string().min(1).max(200),
      prompt: z.string().min(1),
      approvers: z.array(z.string().min(1)).optional(),
      onTimeout: z.enum(['reject', 'approve', 'escalate']).default('reject'),
    }),
    z.strictObject({
      ...common,
      type: z.literal('local_task'),
      kind: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a task kind such as script, http, file or schedule'),
      params: z.record(z.string(), z.unknown()),
    }),
    z.strictObject({
      ...common,
      type: z.literal('agent_invocation'),
      agent: z.string().min(1),
      input: z.unknown(),
      outputSchema: z.record(z.string(), z.unknown()).optional(),
    }),
    z.strictObject({
      ...common,
      type: z.literal('mcp_tool'),
      server: z.string().min(1),
      tool: z.string().min(1),
      args: z.record(z.string(), z.unknown()).default({}),
    }),
    z.strictObject({
      ...common,
      type: z.literal('external_service'),
      service: z.string().min(1),
      operation: z.strictObject({
        method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']),
        path: z.string().startsWith('/'),
      }),
      request: z
        .strictObject({
          query: z.record(z.string(), z.unknown()).optional(),
          headers: z.record(z.string(), z.string()).optional(),
          body: z.unknown().optional(),
        })
        .optional(),
    }),
  ]),
) as z.ZodType<PlanNode>;

export const PlanInputSchema = z.strictObject({
  type: z.enum(['string', 'number', 'boolean', 'object', 'array']).default('string'),
  description: z.string().optional(),
  required: z.boolean().default(false),
  default: z.unknown().optional(),
});

export const PLAN_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A plan as written in a file: the store assigns `version`, `createdAt` and `createdBy` on save. */
export const PlanDocumentSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(PLAN_ID_PATTERN, 'plan ids are lower-case letters, digits, "_" and "-"'),
  name: z.string().min(1).max(200),
  goal: z.string().min(1),
  description: z.string().optional(),
  version: z.number().int().positive().optional(),
  createdAt: z.string().optional(),
  createdBy: z.string().optional(),
  inputs: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), PlanInputSchema).optional(),
  root: PlanNodeSchema,
});
export type PlanDocument = z.output<typeof PlanDocumentSchema>;

/** A stored plan version: version and provenance are always present. */
export const PlanSchema = PlanDocumentSchema.extend({
  version: z.number().int().positive(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type Plan = z.output<typeof PlanSchema>;

export function isCompositeNode(node: PlanNode): node is CompositeNode {
  return (COMPOSITE_NODE_TYPES as readonly string[]).includes(node.type);
}

/** Direct children of a node, in order (branches then `else` for conditionals). */
export function childrenOf(node: PlanNode): PlanNode[] {
  switch (node.type) {
    case 'sequence':
    case 'parallel':
      return node.children;
    case 'conditional':
      return [...node.branches.map((b) => b.then), ...(node.else ? [node.else] : [])];
    case 'loop':
      return [node.body];
    default:
      return [];
  }
}

/** Every node of the tree, depth first, parents before children. */
export function* walkPlan(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of childrenOf(node)) yield* walkPlan(child);
}

/**
 * The object a leaf node's adapter validates with its `paramsSchema`: `params` for local tasks,
 * the type-specific fields for the other leaf types.
 */
export function adapterParamsOf(node: LeafNode): Record<string, unknown> {
  switch (node.type) {
    case 'local_task':
      return node.params;
    case 'agent_invocation':
      return { agent: node.agent, input: node.input, outputSchema: node.outputSchema };
    case 'mcp_tool':
      return { server: node.server, tool: node.tool, args: node.args ?? {} };
    case 'external_service':
      return { service: node.service, operation: node.operation, request: node.request };
    case 'human_approval':
      return { title: node.title, prompt: node.prompt, approvers: node.approvers, onTimeout: node.onTimeout };
  }
}

/** `local_task:script`, `mcp_tool`, … — the key adapters register under. */
export function adapterKeyOf(node: LeafNode): string {
  return node.type === 'local_task' ? `local_task:${node.kind}` : node.type;
}

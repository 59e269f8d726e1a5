import { z } from 'zod';
import { RiskLevelSchema, type RiskLevel } from './risk-level.js';

/**
 * The Plan: the contract between the Designer, the dry run, the Executor and the GUI.
 *
 * Expressions (`when`, `while`, `forEach`, input mappings, `{{ … }}` templates in params) are JSONata,
 * evaluated against `{ input, nodes, vars, item, index }`: `input` holds the plan's inputs, `nodes.<id>`
 * the output of an earlier leaf node, `vars` this node's mapped inputs, `item`/`index` the current loop
 * element (`forEach`) and iteration number (from 0). Node ids with a `-` are written with back-ticks in
 * expressions: ``nodes.`fetch-page`.body``.
 */

export const NODE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const NodeId = z
  .string()
  .regex(NODE_ID_PATTERN, 'node ids start with a letter and use letters, digits, "_" and "-" (at most 64)')
  .describe('Unique within the plan; other nodes read this node\'s output as nodes.<id>');
const Expression = z.string().min(1, 'an expression cannot be empty');
const INPUT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const RetryPolicySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(10).default(3).describe('Tries before the node is flagged for a person (default 3)'),
  backoffMs: z.number().int().min(0).max(600_000).default(1000).describe('Wait before the second try, in ms (default 1000)'),
  factor: z.number().min(1).max(10).default(2).describe('Each further wait is the previous one times this (default 2)'),
});
export type RetryPolicy = z.output<typeof RetryPolicySchema>;

/** Upper bounds that keep a plan reviewable and its validation fast. */
export const PLAN_LIMITS = {
  /** Nesting depth of composite nodes (the root is depth 1). */
  maxDepth: 32,
  maxNodes: 2000,
  maxIterations: 10_000,
  maxConcurrency: 10,
} as const;

const common = {
  id: NodeId,
  title: z.string().max(200).optional().describe('Short label shown in the GUI and the CLI'),
  description: z.string().max(2000).optional(),
  requiresApproval: z
    .boolean()
    .optional()
    .describe('Pause for a person before this node runs. Defaults to true when the effective risk is high or critical'),
  waiveApproval: z
    .string()
    .min(1, 'give the reason why this node may run without approval')
    .optional()
    .describe('Why a high- or critical-risk node may run without approval; without it, such a node needs approval'),
  riskLevel: RiskLevelSchema.optional().describe("How much harm the node can do; defaults to its adapter's risk level"),
  retry: RetryPolicySchema.optional().describe('Retries of a failing leaf node (default: 3 attempts with backoff)'),
  timeoutMs: z
    .number()
    .int()
    .positive()
    .max(7 * 24 * 3600_000)
    .optional()
    .describe('Abort an attempt after this many ms (for human_approval: how long to wait for a decision)'),
  inputs: z
    .record(z.string().regex(INPUT_NAME_PATTERN, 'mapping names are identifiers (letters, digits, "_")'), Expression)
    .optional()
    .describe('name → JSONata expression over earlier outputs (nodes.<id>) and plan inputs (input.<name>); read as vars.<name>'),
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
  /** `fail` (default): a rejection fails the run; `continue`: the output is `{ approved: false, … }`. */
  onReject?: 'fail' | 'continue';
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
export const NODE_TYPES = [...COMPOSITE_NODE_TYPES, ...LEAF_NODE_TYPES] as const;

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? what : undefined);

/**
 * The schema of each node type, with `child` as the schema of nested nodes. The Plan schema passes
 * itself (recursion); the dry run passes `z.unknown()` to check one node at a time, so one bad node
 * does not hide the problems of the others.
 */
export function planNodeSchemas(child: z.ZodType) {
  const children = z.array(child).min(1, 'give at least one child node');
  return {
    sequence: z
      .strictObject({ ...common, type: z.literal('sequence'), children: children.describe('Run one after the other, in order') })
      .describe('Runs its children one after the other'),
    parallel: z
      .strictObject({
        ...common,
        type: z.literal('parallel'),
        children: children.describe('Run at the same time; the parallel ends when all have ended'),
        maxConcurrency: z
          .number()
          .int()
          .min(1)
          .max(PLAN_LIMITS.maxConcurrency, `at most ${PLAN_LIMITS.maxConcurrency} nodes run at once`)
          .default(PLAN_LIMITS.maxConcurrency)
          .describe('How many leaf nodes of this parallel may run at once (1-10, default 10)'),
      })
      .describe('Runs its children at the same time and waits for all of them'),
    conditional: z
      .strictObject({
        ...common,
        type: z.literal('conditional'),
        branches: z
          .array(
            z.strictObject({
              when: Expression.describe('JSONata condition; the first branch whose condition is truthy runs'),
              then: child,
            }),
          )
          .min(1, 'give at least one branch')
          .describe('Tried in order; only the first match runs'),
        else: child.optional().describe('Runs when no branch matches; without it nothing runs'),
      })
      .describe('Runs the first branch whose condition holds, else the else node'),
    loop: z
      .strictObject({
        ...common,
        type: z.literal('loop'),
        body: child,
        while: Expression.optional().describe('JSONata condition checked before each iteration (body outputs hold the previous iteration)'),
        forEach: Expression.optional().describe('JSONata expression giving an array; the body runs once per element (item, index)'),
        maxIterations: z
          .number({ error: required(`a loop must be bounded: set maxIterations (1-${PLAN_LIMITS.maxIterations})`) })
          .int()
          .min(1)
          .max(PLAN_LIMITS.maxIterations)
          .describe('Hard upper bound on iterations; the loop fails beyond it'),
      })
      .refine((n) => (n.while === undefined) !== (n.forEach === undefined), {
        message: 'a loop needs exactly one of "while" or "forEach"',
        path: ['while'],
      })
      .describe('Repeats its body while a condition holds, or once per element of an array'),
    human_approval: z
      .strictObject({
        ...common,
        type: z.literal('human_approval'),
        title: z.string({ error: required('an approval needs a title') }).min(1).max(200).describe('What is being approved, in a few words'),
        prompt: z.string({ error: required('tell the approver what to check (prompt)') }).min(1).describe('What the approver should check; may use {{ … }} templates'),
        approvers: z.array(z.string().min(1)).optional().describe('Operators allowed to decide (anyone when absent)'),
        onTimeout: z.enum(['reject', 'approve', 'escalate']).default('reject').describe('What happens when timeoutMs passes without a decision'),
        onReject: z
          .enum(['fail', 'continue'])
          .default('fail')
          .describe('fail: a rejection fails the run; continue: the output is { approved: false, … } so a later conditional can branch'),
      })
      .describe('Pauses the run until a person approves or rejects'),
    local_task: z
      .strictObject({
        ...common,
        type: z.literal('local_task'),
        kind: z
          .string({ error: required('a local task needs a kind (script, http, file, schedule)') })
          .regex(/^[a-z][a-z0-9_-]*$/, 'a task kind such as script, http, file or schedule')
          .describe('script, http, file or schedule (or a kind a plugin adds)'),
        params: z
          .record(z.string(), z.unknown(), { error: required('a local task needs params (an object; see orch plan:node-types)') })
          .describe("The kind's parameters; strings may hold {{ … }} templates"),
      })
      .describe('An ordinary program task: script, HTTP call, file operation or timer'),
    agent_invocation: z
      .strictObject({
        ...common,
        type: z.literal('agent_invocation'),
        agent: z.string({ error: required('name the agent to invoke (see orch agents:config:list)') }).min(1).describe('An agent of agents-config/'),
        input: z
          .unknown()
          .refine((value) => value !== undefined, 'give the agent an input (a text or JSON value; may use {{ … }} templates)')
          .describe("The agent's input; strings may hold {{ … }} templates"),
        outputSchema: z.record(z.string(), z.unknown()).optional().describe('JSON Schema the answer must match (overrides the agent\'s own)'),
      })
      .describe('Runs an AI agent of the agent registry'),
    mcp_tool: z
      .strictObject({
        ...common,
        type: z.literal('mcp_tool'),
        server: z.string({ error: required('name an MCP server alias of config/mcp.servers.json') }).min(1).describe('An alias of config/mcp.servers.json'),
        tool: z.string({ error: required('name the tool to call') }).min(1).describe('A tool of that server (see orch mcp:tools <alias>)'),
        args: z.record(z.string(), z.unknown()).default({}).describe("The tool's arguments; strings may hold {{ … }} templates"),
      })
      .describe('Calls a tool of an MCP server through the shared bridge'),
    external_service: z
      .strictObject({
        ...common,
        type: z.literal('external_service'),
        service: z.string({ error: required('name a service of config/services.json') }).min(1).describe('A service of config/services.json'),
        operation: z
          .strictObject({
            method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']),
            path: z.string().startsWith('/', 'the path starts with "/" and is relative to the service\'s base URL'),
          })
          .describe('HTTP method and path relative to the service base URL'),
        request: z
          .strictObject({
            query: z.record(z.string(), z.unknown()).optional(),
            headers: z.record(z.string(), z.string()).optional(),
            body: z.unknown().optional(),
          })
          .optional()
          .describe('Query, headers and body; strings may hold {{ … }} templates'),
      })
      .describe('Calls an operation of an external service declared in config/services.json'),
  } satisfies Record<PlanNodeType, z.ZodType>;
}

const MISSING_NODE = 'a node is missing here: give an object with a "type" and an "id"';

function unknownTypeMessage(issue: { input?: unknown }): string {
  const input = issue.input as { type?: unknown } | undefined;
  if (input === undefined) return MISSING_NODE;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return 'a node must be an object with a "type" and an "id"';
  if (input.type === undefined) return `a node needs a "type": one of ${NODE_TYPES.join(', ')}`;
  return `unknown node type ${JSON.stringify(input.type)}; node types are ${NODE_TYPES.join(', ')}`;
}

/** One node of any type, with every nested node checked too. */
export const PlanNodeSchema: z.ZodType<PlanNode> = z.lazy(
  () =>
    (nodeUnion ??= z
      .discriminatedUnion('type', Object.values(planNodeSchemas(PlanNodeSchema)) as never, { error: unknownTypeMessage })
      .meta({ id: 'PlanNode', description: 'A plan node: a composite (sequence, parallel, conditional, loop) or a leaf task' })),
) as z.ZodType<PlanNode>;
let nodeUnion: z.ZodType | undefined;

/** One node checked on its own: nested nodes are not looked into. */
export const ShallowPlanNodeSchema = z.discriminatedUnion('type', Object.values(planNodeSchemas(z.unknown().refine((v) => v !== undefined, MISSING_NODE))) as never, {
  error: unknownTypeMessage,
}) as z.ZodType<Record<string, unknown> & { type: PlanNodeType; id: string }>;

export const PlanInputSchema = z.strictObject({
  type: z.enum(['string', 'number', 'boolean', 'object', 'array']).default('string'),
  description: z.string().optional(),
  required: z.boolean().default(false),
  default: z.unknown().optional(),
});

export const PLAN_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const planFields = {
  $schema: z.string().optional().describe('Path or URL of the Plan JSON Schema, for editors'),
  id: z
    .string({ error: required('a plan needs an id (lower-case letters, digits, "_" and "-")') })
    .regex(PLAN_ID_PATTERN, 'plan ids are lower-case letters, digits, "_" and "-" (at most 64)')
    .describe('Stable id; saving the same id again makes a new version'),
  name: z.string({ error: required('a plan needs a name') }).min(1).max(200).describe('Human-readable name'),
  goal: z.string({ error: required('a plan needs a goal (the business goal it serves)') }).min(1).describe('The business goal the plan serves'),
  description: z.string().optional(),
  version: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('Assigned by the plan store on save; when given, the version this document was edited from'),
  createdAt: z.string().optional().describe('Assigned by the plan store'),
  createdBy: z.string().optional().describe('Assigned by the plan store (the operator)'),
  inputs: z
    .record(z.string().regex(INPUT_NAME_PATTERN, 'input names are identifiers (letters, digits, "_")'), PlanInputSchema)
    .optional()
    .describe('Values given when a run starts (orch run:auto --input name=value), read as input.<name>'),
};

/** A plan as written in a file: the store assigns `version`, `createdAt` and `createdBy` on save. */
export const PlanDocumentSchema = z
  .strictObject({ ...planFields, root: PlanNodeSchema.describe('The node the plan runs: usually a sequence') })
  .describe('An Orch plan');
export type PlanDocument = z.output<typeof PlanDocumentSchema>;

/** The plan's own fields, checked without looking into `root` (the dry run checks nodes one by one). */
export const PlanHeaderSchema = z.strictObject({
  ...planFields,
  root: z.unknown().refine((value) => value !== undefined, 'a plan needs a root node (usually a sequence)'),
});

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

/** Where the fields `adapterParamsOf` returns sit in the node: `params.` for local tasks, the node itself otherwise. */
export function adapterParamsPrefix(node: Pick<LeafNode, 'type'>): string {
  return node.type === 'local_task' ? 'params' : '';
}

/** `local_task:script`, `mcp_tool`, … — the key adapters register under. */
export function adapterKeyOf(node: LeafNode): string {
  return node.type === 'local_task' ? `local_task:${node.kind}` : node.type;
}

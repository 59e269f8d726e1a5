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

const WAIVE_HINT = 'say in a few words why this node may run without approval (e.g. "read-only word count of a file this plan wrote"), not a placeholder such as "ok"';

/** A reason a person can check: at least two words with letters (so never "ok", "test" or "safe"). */
function isReason(text: string): boolean {
  return text.trim().split(/\s+/).filter((w) => /\p{L}/u.test(w)).length >= 2;
}

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
    .min(10, WAIVE_HINT)
    .refine(isReason, WAIVE_HINT)
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

/** The fields every node has (`id` and the optional ones), as Zod fields: the schema of a leaf type starts from these. */
export const COMMON_NODE_FIELDS = common;
export type CommonNodeField = keyof typeof common;
const COMMON_FIELD_NAMES = new Set<string>(Object.keys(common));

export interface CommonFields {
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

/**
 * Leaf node types are open: a leaf is `{ id, type, …common fields }` plus the fields of its type,
 * which only the adapter of that type validates (its `paramsSchema` is their one description). A
 * type name is lower-case letters, digits and "_" (`greeting`, `mcp_tool`).
 */
export const LEAF_TYPE_PATTERN = /^[a-z][a-z0-9_]*$/;

/**
 * The own fields of each leaf type, for TypeScript. The plans plugin declares `local_task` (a task
 * `kind` and its `params`); the plugin that adds a type declares its fields from its adapter's
 * schema by augmenting this interface (`declare module '…/plans/api/index.js' { interface
 * LeafNodeTypes { mcp_tool: McpToolParams } }`). A type added by plain JavaScript needs no entry:
 * at run time every registered type is a leaf, whatever TypeScript knows.
 */
export interface LeafNodeTypes {
  local_task: { kind: string; params: Record<string, unknown> };
}
export type LeafNodeOf<T extends string> = CommonFields & { type: T } & (T extends keyof LeafNodeTypes ? LeafNodeTypes[T] : Record<string, unknown>);
export type LeafNode = { [T in keyof LeafNodeTypes]: LeafNodeOf<T> }[keyof LeafNodeTypes];
export type LocalTaskNode = LeafNodeOf<'local_task'>;
/** The node the executor turns into a pause for a person (fields declared by the approvals plugin). */
export type HumanApprovalNode = LeafNodeOf<'human_approval'>;

export type CompositeNode = SequenceNode | ParallelNode | ConditionalNode | LoopNode;
export type PlanNode = CompositeNode | LeafNode;
export type PlanNodeType = PlanNode['type'];

export const COMPOSITE_NODE_TYPES = ['sequence', 'parallel', 'conditional', 'loop'] as const;

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? what : undefined);

/**
 * The schema of the node types the plans plugin owns — the four composites and `local_task`
 * (whose `params` the adapter of its kind validates) — with `child` as the schema of nested nodes.
 * The other leaf types come from their adapters (see `LeafTypes`).
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
    local_task: LocalTaskNodeSchema,
  };
}

const LocalTaskNodeSchema = z
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
  .describe('An ordinary program task: script, HTTP call, file operation or timer');

/**
 * How a Plan schema treats leaf types other than `local_task`: which exist and the schema of each.
 * The static schemas of this file accept any well-formed type with its own fields unchecked (so a
 * stored plan can always be read); the `NodeAdapterRegistry` builds schemas from the adapters it
 * holds, which check each type's fields and refuse a type no adapter serves.
 */
export interface LeafTypes {
  /** Every node type there is, for messages; absent when any well-formed type is accepted. */
  readonly names?: readonly string[];
  /**
   * The schema of a node of this leaf type, or a sentence saying why there is none. `shallow`: the
   * common fields only (the dry run checks the type's own fields with the adapter separately).
   */
  schemaOf(type: string, shallow: boolean): z.ZodType | string;
}

const openLeaves = new Map<string, z.ZodType>();

/** A leaf of any well-formed type: common fields checked, the type's own fields kept as written. */
export function openLeafSchema(type: string): z.ZodType {
  let schema = openLeaves.get(type);
  if (!schema) openLeaves.set(type, (schema = z.object({ ...common, type: z.literal(type) }).catchall(z.unknown())));
  return schema;
}

export const OPEN_LEAF_TYPES: LeafTypes = {
  schemaOf: (type) =>
    LEAF_TYPE_PATTERN.test(type) ? openLeafSchema(type) : `node types are lower-case letters, digits and "_" (got ${JSON.stringify(type)})`,
};

const MISSING_NODE = 'a node is missing here: give an object with a "type" and an "id"';
const SHALLOW_CHILD = z.unknown().refine((v) => v !== undefined, MISSING_NODE);

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One node of any type; composites and `local_task` by this file's schemas, other leaves by `leaves`. */
function nodeSchema(leaves: LeafTypes, shallow: boolean, child: () => z.ZodType): z.ZodType {
  let owned: Record<string, z.ZodType> | undefined;
  const typeList = () => [...COMPOSITE_NODE_TYPES, ...(leaves.names ?? ['local_task', '…'])].join(', ');
  return z.unknown().transform((value, ctx) => {
    const refuse = (message: string, path: string[] = []) => {
      ctx.addIssue({ code: 'custom', message, path, input: value });
      return z.NEVER;
    };
    if (value === undefined) return refuse(MISSING_NODE);
    if (!isPlainRecord(value)) return refuse('a node must be an object with a "type" and an "id"');
    const type = value.type;
    if (type === undefined) return refuse(`a node needs a "type": one of ${typeList()}`, ['type']);
    if (typeof type !== 'string') return refuse(`unknown node type ${JSON.stringify(type)}; node types are ${typeList()}`, ['type']);
    owned ??= planNodeSchemas(child());
    let schema = Object.hasOwn(owned, type) ? owned[type] : undefined;
    if (!schema) {
      const found = leaves.schemaOf(type, shallow);
      if (typeof found === 'string') return refuse(found, ['type']);
      schema = found;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue(issue as never);
    return z.NEVER;
  });
}

/** The Plan schemas for a set of leaf types: nodes (deep and one at a time), plan documents, stored plans. */
export function planSchemasFor(leaves: LeafTypes) {
  const node: z.ZodType<PlanNode> = nodeSchema(leaves, false, () => node) as z.ZodType<PlanNode>;
  const shallowNode = nodeSchema(leaves, true, () => SHALLOW_CHILD) as z.ZodType<Record<string, unknown> & { type: string; id: string }>;
  const document = z.strictObject({ ...planFields, root: node.describe('The node the plan runs: usually a sequence') }).describe('An Orch plan');
  const plan = document.extend({
    version: z.number().int().positive(),
    createdAt: z.string(),
    createdBy: z.string(),
  });
  return { node, shallowNode, document, plan };
}
export type PlanSchemas = ReturnType<typeof planSchemasFor>;

export const PlanInputSchema = z.strictObject({
  type: z.enum(['string', 'number', 'boolean', 'object', 'array']).default('string'),
  description: z.string().optional(),
  required: z.boolean().default(false),
  default: z.unknown().optional(),
  secret: z
    .boolean()
    .optional()
    .describe('A secret (a token, a password): never stored in the run record or a checkpoint, and redacted wherever it would be shown or logged'),
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

/** The fields of a plan document other than `root`, as Zod fields (the JSON Schema export starts from these). */
export const planDocumentFields = planFields;

/** The plan's own fields, checked without looking into `root` (the dry run checks nodes one by one). */
export const PlanHeaderSchema = z.strictObject({
  ...planFields,
  root: z.unknown().refine((value) => value !== undefined, 'a plan needs a root node (usually a sequence)'),
});

const open = planSchemasFor(OPEN_LEAF_TYPES);

/**
 * One node of any type, nested nodes included, with leaf types left open (their own fields are
 * kept as written): enough to read any stored plan. `NodeAdapterRegistry.schemas` checks them.
 */
export const PlanNodeSchema: z.ZodType<PlanNode> = open.node;
/** One node checked on its own (nested nodes are not looked into), leaf types open. */
export const ShallowPlanNodeSchema = open.shallowNode;
/** A plan as written in a file, leaf types open: the store assigns `version`, `createdAt` and `createdBy` on save. */
export const PlanDocumentSchema = open.document;
export type PlanDocument = z.output<typeof PlanDocumentSchema>;
/** A stored plan version: version and provenance are always present. */
export const PlanSchema = open.plan;
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
 * else the node's own fields — every field but `type` and the common ones.
 */
export function adapterParamsOf(node: LeafNode): Record<string, unknown> {
  if (node.type === 'local_task') return node.params;
  const own: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(node)) if (field !== 'type' && !COMMON_FIELD_NAMES.has(field)) own[field] = value;
  return own;
}

/** Where the fields `adapterParamsOf` returns sit in the node: `params.` for local tasks, the node itself otherwise. */
export function adapterParamsPrefix(node: { type: string }): string {
  return node.type === 'local_task' ? 'params' : '';
}

/** True for a field every node may have (`id`, `title`, `retry`, …), which is never a param. */
export function isCommonNodeField(field: string): boolean {
  return COMMON_FIELD_NAMES.has(field);
}

/** `local_task:script`, `mcp_tool`, … — the key adapters register under. */
export function adapterKeyOf(node: { type: string; kind?: unknown }): string {
  return node.type === 'local_task' ? `local_task:${String(node.kind)}` : node.type;
}

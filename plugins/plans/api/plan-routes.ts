import { z } from 'zod';
import { defineRoute } from '../../server/api/index.js';
import { PLAN_ID_PATTERN, PlanSchema } from './plan.js';
import { RiskLevelSchema } from './risk-level.js';

const PlanIdParams = z.object({ planId: z.string().regex(PLAN_ID_PATTERN, 'plan ids are lower-case letters, digits, "_" and "-"') });
const VersionNumber = z.coerce.number().int().positive();

export const PlanSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  goal: z.string(),
  activeVersion: z.number().int(),
  latestVersion: z.number().int(),
  updatedAt: z.string(),
});

export const PlanVersionInfoSchema = z.object({
  version: z.number().int(),
  createdAt: z.string(),
  createdBy: z.string(),
  origin: z.string(),
  active: z.boolean(),
});

const PlanIssueSchema = z.object({
  path: z.string(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
  nodeId: z.string().optional(),
  field: z.string().optional(),
});

interface NodeReportShape {
  nodeId: string;
  type: string;
  title?: string;
  path?: string;
  adapter?: string;
  riskLevel?: z.infer<typeof RiskLevelSchema>;
  approval?: 'required' | 'waived' | 'human' | 'none';
  ok: boolean;
  issues: z.infer<typeof PlanIssueSchema>[];
  children: NodeReportShape[];
}
const DryRunNodeReportSchema: z.ZodType<NodeReportShape> = z.lazy(() =>
  z.object({
    nodeId: z.string(),
    type: z.string(),
    title: z.string().optional(),
    path: z.string().optional(),
    adapter: z.string().optional(),
    riskLevel: RiskLevelSchema.optional(),
    approval: z.enum(['required', 'waived', 'human', 'none']).optional(),
    ok: z.boolean(),
    issues: z.array(PlanIssueSchema),
    children: z.array(DryRunNodeReportSchema),
  }),
);

/** `DryRunReport` on the wire. */
export const DryRunReportSchema = z.object({
  ok: z.boolean(),
  planId: z.string().optional(),
  planName: z.string().optional(),
  source: z.string().optional(),
  issues: z.array(PlanIssueSchema),
  root: DryRunNodeReportSchema.optional(),
  nodeCount: z.number().int(),
  errorCount: z.number().int(),
  warningCount: z.number().int(),
});

/** What a checked save answers: the plan stored (or the active one when unchanged) and the dry run made first. */
export const CheckedSaveSchema = z.object({ plan: PlanSchema, report: DryRunReportSchema.optional(), unchanged: z.boolean().optional() });

const FieldChangeSchema = z.object({ field: z.string(), before: z.unknown().optional(), after: z.unknown().optional() });
const NodeRefSchema = z.object({ nodeId: z.string(), type: z.string(), parentId: z.string().optional() });
export const PlanDiffSchema = z.object({
  planId: z.string(),
  from: z.number().int(),
  to: z.number().int(),
  identical: z.boolean(),
  plan: z.array(FieldChangeSchema),
  added: z.array(NodeRefSchema),
  removed: z.array(NodeRefSchema),
  moved: z.array(NodeRefSchema.extend({ fromParentId: z.string().optional() })),
  changed: z.array(z.object({ nodeId: z.string(), type: z.string(), changes: z.array(FieldChangeSchema) })),
});

export const NodeTypeInfoSchema = z.object({
  key: z.string(),
  type: z.string(),
  kind: z.string().optional(),
  description: z.string(),
  defaultRiskLevel: RiskLevelSchema,
  riskDependsOnParams: z.boolean(),
  paramsSchema: z.record(z.string(), z.unknown()).optional(),
  pluginId: z.string().optional(),
});

const DesignAnswerSchema = z.object({
  plan: z.record(z.string(), z.unknown()),
  rounds: z.number().int(),
  report: DryRunReportSchema,
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }).nullable(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  saved: z.object({ id: z.string(), version: z.number().int(), unchanged: z.boolean() }).nullable(),
});

const DesignOptions = {
  rounds: z.number().int().min(0).max(10).optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
};

/** The plans plugin's REST contracts (under `/api`): served by the plugin, called by its commands and the GUI. */
export const PlansApi = {
  list: defineRoute({
    method: 'GET',
    path: '/plans',
    summary: 'Saved plans with their active and latest versions',
    response: z.object({ plans: z.array(PlanSummarySchema) }),
  }),
  save: defineRoute({
    method: 'POST',
    path: '/plans',
    summary: 'Save a plan as a new version: { plan, force?, check? } (dry run first unless check is false); 201, or 200 with unchanged: true when the content equals the active version',
    body: z.object({ plan: z.unknown(), force: z.boolean().optional(), check: z.boolean().optional(), source: z.string().optional(), origin: z.string().optional() }),
    status: 201,
    response: CheckedSaveSchema,
  }),
  dryRun: defineRoute({
    method: 'POST',
    path: '/plans/dry-run',
    summary: 'Dry-run a plan without saving it: { plan } or { planId, version? }; answers the report (ok: false when invalid)',
    body: z.union([
      z.object({ plan: z.unknown(), source: z.string().optional() }).refine((b) => b.plan !== undefined, { message: 'give plan or planId', path: ['plan'] }),
      z.object({ planId: PlanIdParams.shape.planId, version: z.number().int().positive().optional() }),
    ]),
    response: DryRunReportSchema,
  }),
  design: defineRoute({
    method: 'POST',
    path: '/plans/design',
    summary: 'Design a plan for a goal with the model: { goal, id?, save?, rounds?, provider?, model? }',
    body: z.object({ goal: z.string().min(1, 'give the business goal'), id: PlanIdParams.shape.planId.optional(), save: z.boolean().default(false), ...DesignOptions }),
    response: DesignAnswerSchema,
  }),
  replan: defineRoute({
    method: 'POST',
    path: '/plans/:planId/replan',
    summary: "The next version of a plan from its goal, a run's outcome and feedback: { runId?, feedback?, save? (default true) }",
    params: PlanIdParams,
    body: z.object({ runId: z.string().optional(), feedback: z.string().optional(), save: z.boolean().default(true), ...DesignOptions }),
    response: DesignAnswerSchema,
  }),
  get: defineRoute({
    method: 'GET',
    path: '/plans/:planId',
    summary: 'One plan: the active version, or ?version=N',
    params: PlanIdParams,
    query: z.object({ version: VersionNumber.optional() }),
    response: PlanSchema,
  }),
  versions: defineRoute({
    method: 'GET',
    path: '/plans/:planId/versions',
    summary: 'Every version of a plan, oldest first, with who made it and how',
    params: PlanIdParams,
    response: z.object({ planId: z.string(), versions: z.array(PlanVersionInfoSchema) }),
  }),
  rollback: defineRoute({
    method: 'POST',
    path: '/plans/:planId/rollback',
    summary: 'Make the content of an older version the new active version: { to }',
    params: PlanIdParams,
    body: z.object({ to: z.number().int().positive() }),
    response: z.object({ plan: PlanSchema }),
  }),
  diff: defineRoute({
    method: 'GET',
    path: '/plans/:planId/diff',
    summary: 'What changed between two versions: ?a=N&b=M (b defaults to the active version)',
    params: PlanIdParams,
    query: z.object({ a: VersionNumber, b: VersionNumber.optional() }),
    response: PlanDiffSchema,
  }),
  planSchema: defineRoute({
    method: 'GET',
    path: '/schemas/plan',
    summary: 'The Plan JSON Schema, assembled from the node types the loaded plugins register',
    response: z.record(z.string(), z.unknown()),
  }),
  nodeTypes: defineRoute({
    method: 'GET',
    path: '/node-types',
    summary: 'Leaf node types and local_task kinds the loaded plugins provide, with their params schemas',
    response: z.object({ nodeTypes: z.array(NodeTypeInfoSchema) }),
  }),
};

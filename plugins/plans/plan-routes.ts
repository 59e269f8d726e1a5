import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { type HttpRoute, type HttpRoutes } from '../server/api/index.js';
import { NodeAdapterRegistry, PLAN_ID_PATTERN, PlanStore, PlanValidator } from './api/index.js';
import { CheckedPlanSaver } from './checked-plan-saver.js';
import { PlanDesigner, type DesignResult } from './design/plan-designer.js';
import { NodeTypeCatalog } from './node-type-catalog.js';
import { diffPlans } from './plan-diff.js';
import { planJsonSchema } from './plan-json-schema.js';

const PlanIdParams = z.object({ planId: z.string().regex(PLAN_ID_PATTERN, 'plan ids are lower-case letters, digits, "_" and "-"') });
const VersionNumber = z.coerce.number().int().positive();

/** REST for plans, under `/api`: the GUI's plan views and the CLI when a server is running. */
@injectable()
export class PlanRoutes implements HttpRoutes {
  constructor(
    @inject(PlanStore) private readonly store: PlanStore,
    @inject(PlanValidator) private readonly validator: PlanValidator,
    @inject(CheckedPlanSaver) private readonly saver: CheckedPlanSaver,
    @inject(NodeTypeCatalog) private readonly nodeTypes: NodeTypeCatalog,
    @inject(NodeAdapterRegistry) private readonly registry: NodeAdapterRegistry,
    @inject(PlanDesigner) private readonly designer: PlanDesigner,
  ) {}

  routes(): HttpRoute[] {
    return [
      {
        method: 'GET',
        path: '/plans',
        summary: 'Saved plans with their active and latest versions',
        handle: async () => ({ plans: await this.store.list() }),
      },
      {
        method: 'POST',
        path: '/plans',
        summary: 'Save a plan as a new version: { plan, force?, check? } (dry run first unless check is false)',
        body: z.object({ plan: z.unknown(), force: z.boolean().optional(), check: z.boolean().optional(), source: z.string().optional() }),
        handle: async ({ body, operator }) =>
          this.saver.save(body.plan, { operator, force: body.force, check: body.check, source: body.source ?? 'request body' }),
      },
      {
        method: 'POST',
        path: '/plans/dry-run',
        summary: 'Dry-run a plan without saving it: { plan } or { planId, version? }; answers the report (ok: false when invalid)',
        body: z.union([
          z.object({ plan: z.unknown(), source: z.string().optional() }).refine((b) => b.plan !== undefined, { message: 'give plan or planId', path: ['plan'] }),
          z.object({ planId: PlanIdParams.shape.planId, version: z.number().int().positive().optional() }),
        ]),
        handle: async ({ body }) => {
          if ('planId' in body) {
            const plan = await this.store.get(body.planId, body.version);
            return this.validator.dryRun(plan, { source: `plan ${plan.id} v${plan.version}` });
          }
          return this.validator.dryRun(body.plan, { source: body.source ?? 'request body' });
        },
      },
      {
        method: 'POST',
        path: '/plans/design',
        summary: 'Design a plan for a goal with the model: { goal, id?, save?, rounds?, provider?, model? }',
        body: z.object({
          goal: z.string().min(1, 'give the business goal'),
          id: PlanIdParams.shape.planId.optional(),
          save: z.boolean().default(false),
          rounds: z.number().int().min(0).max(10).optional(),
          provider: z.string().optional(),
          model: z.string().optional(),
        }),
        handle: async ({ body, operator }) => {
          const result = await this.designer.design(body.goal, { planId: body.id, rounds: body.rounds, provider: body.provider, model: body.model });
          return this.answer(result, body.save, operator, 'design');
        },
      },
      {
        method: 'POST',
        path: '/plans/:planId/replan',
        summary: "The next version of a plan from its goal, a run's outcome and feedback: { runId?, feedback?, save? (default true) }",
        params: PlanIdParams,
        body: z.object({
          runId: z.string().optional(),
          feedback: z.string().optional(),
          save: z.boolean().default(true),
          rounds: z.number().int().min(0).max(10).optional(),
          provider: z.string().optional(),
          model: z.string().optional(),
        }),
        handle: async ({ params, body, operator }) => {
          const result = await this.designer.replan(params.planId, { ...body });
          return this.answer(result, body.save, operator, result.run ? `replan after run ${result.run.runId}` : 'replan');
        },
      },
      {
        method: 'GET',
        path: '/plans/:planId',
        summary: 'One plan: the active version, or ?version=N',
        params: PlanIdParams,
        query: z.object({ version: VersionNumber.optional() }),
        handle: async ({ params, query }) => this.store.get(params.planId, query.version),
      },
      {
        method: 'GET',
        path: '/plans/:planId/versions',
        summary: 'Every version of a plan, oldest first, with who made it and how',
        params: PlanIdParams,
        handle: async ({ params }) => ({ planId: params.planId, versions: await this.store.versions(params.planId) }),
      },
      {
        method: 'POST',
        path: '/plans/:planId/rollback',
        summary: 'Make the content of an older version the new active version: { to }',
        params: PlanIdParams,
        body: z.object({ to: z.number().int().positive() }),
        handle: async ({ params, body, operator }) => ({ plan: await this.store.rollback(params.planId, body.to, { operator }) }),
      },
      {
        method: 'GET',
        path: '/plans/:planId/diff',
        summary: 'What changed between two versions: ?a=N&b=M (b defaults to the active version)',
        params: PlanIdParams,
        query: z.object({ a: VersionNumber, b: VersionNumber.optional() }),
        handle: async ({ params, query }) => diffPlans(await this.store.get(params.planId, query.a), await this.store.get(params.planId, query.b)),
      },
      {
        method: 'GET',
        path: '/schemas/plan',
        summary: 'The Plan JSON Schema',
        handle: async () => planJsonSchema(this.registry),
      },
      {
        method: 'GET',
        path: '/node-types',
        summary: 'Leaf node types and local_task kinds the loaded plugins provide, with their params schemas',
        handle: async () => ({ nodeTypes: this.nodeTypes.describe() }),
      },
    ];
  }

  private async answer(result: DesignResult, save: boolean, operator: string, origin: string) {
    const outcome = save ? await this.saver.save(result.document, { operator, origin, source: `the ${origin.startsWith('replan') ? 're-planned' : 'designed'} plan` }) : undefined;
    const saved = outcome?.plan;
    return {
      plan: result.document,
      rounds: result.rounds,
      report: result.report,
      usage: result.usage ?? null,
      provider: result.provider ?? null,
      model: result.model ?? null,
      saved: saved ? { id: saved.id, version: saved.version, unchanged: Boolean(outcome?.unchanged) } : null,
    };
  }
}

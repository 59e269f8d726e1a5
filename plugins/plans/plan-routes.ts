import { inject, injectable } from 'inversify';
import { reply, serveRoute, type HttpRoute, type HttpRoutes } from '../server/api/index.js';
import { NodeAdapterRegistry, PlansApi, PlanStore, PlanValidator } from './api/index.js';
import { CheckedPlanSaver } from './checked-plan-saver.js';
import { PlanDesigner, type DesignResult } from './design/plan-designer.js';
import { NodeTypeCatalog } from './node-type-catalog.js';
import { diffPlans } from './plan-diff.js';
import { planJsonSchema } from './plan-json-schema.js';


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
      serveRoute(PlansApi.list, async () => ({ plans: await this.store.list() })),
      serveRoute(PlansApi.save, async ({ body, operator }) => {
        const outcome = await this.saver.save(body.plan, { operator, force: body.force, check: body.check, origin: body.origin, source: body.source ?? 'request body' });
        // 201 when a version was created; 200 when the content equals the active version's.
        return outcome.unchanged ? reply(200, outcome) : outcome;
      }),
      serveRoute(PlansApi.dryRun, async ({ body }) => {
        if ('planId' in body) {
          const plan = await this.store.get(body.planId, body.version);
          return this.validator.dryRun(plan, { source: `plan ${plan.id} v${plan.version}` });
        }
        return this.validator.dryRun(body.plan, { source: body.source ?? 'request body' });
      }),
      serveRoute(PlansApi.design, async ({ body, operator }) => {
        const result = await this.designer.design(body.goal, { planId: body.id, rounds: body.rounds, provider: body.provider, model: body.model });
        return this.answer(result, body.save, operator, 'design');
      }),
      serveRoute(PlansApi.replan, async ({ params, body, operator }) => {
        const result = await this.designer.replan(params.planId, { ...body });
        return this.answer(result, body.save, operator, result.run ? `replan after run ${result.run.runId}` : 'replan');
      }),
      serveRoute(PlansApi.get, async ({ params, query }) => this.store.get(params.planId, query.version)),
      serveRoute(PlansApi.versions, async ({ params }) => ({ planId: params.planId, versions: await this.store.versions(params.planId) })),
      serveRoute(PlansApi.rollback, async ({ params, body, operator }) => ({ plan: await this.store.rollback(params.planId, body.to, { operator }) })),
      serveRoute(PlansApi.diff, async ({ params, query }) => diffPlans(await this.store.get(params.planId, query.a), await this.store.get(params.planId, query.b))),
      serveRoute(PlansApi.planSchema, async () => planJsonSchema(this.registry)),
      serveRoute(PlansApi.nodeTypes, async () => ({ nodeTypes: this.nodeTypes.describe() })),
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

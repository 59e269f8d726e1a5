import { inject, injectable } from 'inversify';
import { OrchError, isOrchError } from '../../kernel/index.js';
import { NodeAdapterRegistry, PlanStore, PlanValidator, type DryRunReport, type Plan, type PlanDocument, type PlanReference, type CheckedSave, type PlanSaver } from './api/index.js';
import { diffValues } from './plan-diff.js';
import { allIssues } from './validation/dry-run-validator.js';
import { describeIssue } from './validation/issue-text.js';
import { parseJsonText } from './validation/json-text.js';

export type CheckedSaveOptions = Parameters<PlanSaver['save']>[1];
export type { CheckedSave };

/**
 * Saving as people and the Designer do it: dry run first, store only a plan without errors. The
 * refusal carries the whole report (`details.report`) so the CLI and the GUI can show the tree.
 * A run pins the version it uses with `pin`, under the same "same content" rule.
 */
@injectable()
export class CheckedPlanSaver implements PlanSaver {
  constructor(
    @inject(PlanStore) private readonly store: PlanStore,
    @inject(PlanValidator) private readonly validator: PlanValidator,
    @inject(NodeAdapterRegistry) private readonly registry: NodeAdapterRegistry,
  ) {}

  async save(raw: unknown, options: CheckedSaveOptions): Promise<CheckedSave> {
    const document = typeof raw === 'string' ? parseJsonText(raw, options.source ?? 'the plan') : raw;
    let report: DryRunReport | undefined;
    if (options.check !== false) {
      report = await this.validator.dryRun(document, { source: options.source });
      if (!report.ok) {
        const errors = allIssues(report).filter((i) => i.severity === 'error');
        throw new OrchError(
          'invalid_input',
          `Not saved: ${options.source ?? 'the plan'} has ${errors.length} error${errors.length === 1 ? '' : 's'} (${errors.slice(0, 3).map(describeIssue).join('; ')}${errors.length > 3 ? '; …' : ''})`,
          { issues: errors.map((i) => ({ path: i.path, message: i.message })), report },
        );
      }
    }
    if (!options.force) {
      const active = await this.activeWithSameContent(document);
      if (active) return { plan: active, report, unchanged: true };
    }
    // The store checks the Plan schema itself (all a save without the dry run checks).
    const plan = await this.store.save(document as never, { operator: options.operator, origin: options.origin, force: options.force });
    return { plan, report };
  }

  async pin(plan: PlanReference, options: { operator: string }): Promise<Plan> {
    if ('planId' in plan) return this.store.get(plan.planId, plan.version);
    // The whole dry run with its own refusal (every problem), then the one "same content" rule of save.
    const document = await this.validator.validate(plan.document, { source: plan.source });
    const origin = `run${plan.source ? ` of ${plan.source}` : ''}`;
    return (await this.save(document, { operator: options.operator, origin, check: false, source: plan.source })).plan;
  }

  /** The active version when `document` says exactly what it says (saving again would add a copy). */
  private async activeWithSameContent(document: unknown): Promise<Plan | undefined> {
    const parsed = this.registry.storageSchemas.document.safeParse(document);
    if (!parsed.success) return undefined;
    let active: Plan;
    try {
      active = await this.store.get(parsed.data.id);
    } catch (error) {
      if (isOrchError(error) && error.code === 'not_found') return undefined;
      throw error;
    }
    return diffValues(contentOf(active), contentOf(parsed.data), '').length === 0 ? active : undefined;
  }
}

function contentOf(plan: PlanDocument): Record<string, unknown> {
  return { name: plan.name, goal: plan.goal, description: plan.description, inputs: plan.inputs, root: plan.root };
}

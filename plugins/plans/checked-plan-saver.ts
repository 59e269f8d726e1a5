import { inject, injectable } from 'inversify';
import { OrchError, PlanStore, PlanValidator, type DryRunReport, type Plan } from '../../kernel/index.js';
import { allIssues } from './validation/dry-run-validator.js';
import { describeIssue } from './validation/issue-text.js';
import { parseJsonText } from './validation/json-text.js';

export interface CheckedSaveOptions {
  operator: string;
  origin?: string;
  /** Save over a newer version than the document was edited from. */
  force?: boolean;
  /** Dry-run first and refuse a plan with errors (default true); false checks the schema only. */
  check?: boolean;
  source?: string;
}

export interface CheckedSave {
  plan: Plan;
  /** The dry run, when one was made. */
  report?: DryRunReport;
}

/**
 * Saving as people and the Designer do it: dry run first, store only a plan without errors. The
 * refusal carries the whole report (`details.report`) so the CLI and the GUI can show the tree.
 */
@injectable()
export class CheckedPlanSaver {
  constructor(
    @inject(PlanStore) private readonly store: PlanStore,
    @inject(PlanValidator) private readonly validator: PlanValidator,
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
    // The store checks the Plan schema itself (all a save without the dry run checks).
    const plan = await this.store.save(document as never, { operator: options.operator, origin: options.origin, force: options.force });
    return { plan, report };
  }
}

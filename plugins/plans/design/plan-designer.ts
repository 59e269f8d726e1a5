import { inject, injectable, optional } from 'inversify';
import { Logger, OrchError, isOrchError } from '../../../kernel/index.js';
import { ModelGateway } from '../../agents/api/index.js';
import { RunService, type RunRecord } from '../../executor/api/index.js';
import { NodeAdapterRegistry, PLAN_ID_PATTERN, PlanStore, PlanValidator, type DryRunReport, type Plan, type PlanDocument } from '../api/index.js';
import { planExportSchema } from '../plan-json-schema.js';
import { allIssues } from '../validation/dry-run-validator.js';
import { DesignCatalogReader } from './design-catalog.js';
import { designPrompt, designSystemPrompt, replanPrompt } from './design-prompt.js';

export interface DesignOptions {
  /** Repair rounds after the first answer (default 3). */
  rounds?: number;
  provider?: string;
  model?: string;
  signal?: AbortSignal;
  /** After each rejected answer, with the problems fed back. */
  onRound?: (round: number, problems: string[], repairsLeft: number) => void;
}

export interface DesignResult {
  document: PlanDocument;
  /** Model calls made (1 = valid at once). */
  rounds: number;
  /** The final dry run (no errors; may have warnings). */
  report: DryRunReport;
  usage?: { inputTokens: number; outputTokens: number };
  provider?: string;
  model?: string;
}

export interface ReplanResult extends DesignResult {
  basedOn: Plan;
  run?: RunRecord;
}

function errorsOf(report: DryRunReport): string[] {
  return allIssues(report)
    .filter((i) => i.severity === 'error')
    .map((i) => `${i.path}: ${i.message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Repair rounds when the caller does not say. */
export const DEFAULT_DESIGN_ROUNDS = 3;

/**
 * The Designer: a model is given the Plan schema as structured output and what this installation
 * offers; its answer is checked by the Plan schema and the dry run, and every problem is fed back
 * for a few repair rounds. Nothing is saved here — callers save the result as a new version.
 */
@injectable()
export class PlanDesigner {
  private readonly logger: Logger;

  constructor(
    @inject(PlanValidator) private readonly validator: PlanValidator,
    @inject(PlanStore) private readonly store: PlanStore,
    @inject(DesignCatalogReader) private readonly catalog: DesignCatalogReader,
    @inject(NodeAdapterRegistry) private readonly registry: NodeAdapterRegistry,
    @inject(Logger) logger: Logger,
    @inject(ModelGateway) @optional() private readonly gateway: ModelGateway | undefined,
    @inject(RunService) @optional() private readonly runs: RunService | undefined,
  ) {
    this.logger = logger.child({ category: 'plans', component: 'designer' });
  }

  /** A new plan for `goal`. Without `planId`, the model's id is used — renamed if a plan already has it. */
  async design(goal: string, options: DesignOptions & { planId?: string } = {}): Promise<DesignResult> {
    if (!goal.trim()) throw new OrchError('invalid_input', 'Give the business goal to design a plan for, e.g. orch plan:design "Publish weekly release notes"');
    if (options.planId !== undefined) checkPlanId(options.planId);
    const taken = new Set((await this.store.list()).map((p) => p.id));
    const result = await this.generate(designPrompt(goal, options.planId), (value) => ({ ...value, goal, ...(options.planId ? { id: options.planId } : {}) }), options);
    if (!options.planId && taken.has(result.document.id)) {
      const original = result.document.id;
      result.document = { ...result.document, id: freeId(original, taken) };
      this.logger.info(`Designed plan id ${original} is taken; using ${result.document.id}`, { planId: result.document.id });
    }
    return result;
  }

  /**
   * The next version of a saved plan from its goal, what happened in a run (the newest run of the
   * plan when `runId` is absent) and the operator's feedback.
   */
  async replan(planId: string, options: DesignOptions & { runId?: string; feedback?: string } = {}): Promise<ReplanResult> {
    const basedOn = await this.store.get(planId);
    const run = await this.runToLearnFrom(basedOn, options.runId);
    if (!run && !options.feedback?.trim()) {
      throw new OrchError(
        'invalid_input',
        `Nothing to replan ${planId} from: it has no run to learn from${this.runs ? '' : ' (the executor plugin is not loaded)'}; give --feedback "what to change" or --run <runId>`,
      );
    }
    const result = await this.generate(replanPrompt(basedOn, run, options.feedback), (value) => ({ ...value, id: planId, goal: basedOn.goal }), options);
    return { ...result, basedOn, run };
  }

  private async generate(prompt: string, pin: (value: PlanDocument) => PlanDocument, options: DesignOptions): Promise<DesignResult> {
    if (!this.gateway) {
      throw new OrchError('unavailable', 'The Designer needs a model provider: enable the agents plugin (it provides the model gateway and config/models.json)');
    }
    const system = designSystemPrompt(await this.catalog.read());
    let report: DryRunReport | undefined;
    const started = Date.now();
    const generated = await this.gateway.generateStructured<PlanDocument>({
      system,
      prompt,
      schema: planExportSchema(this.registry),
      schemaName: 'Orch plan',
      maxRounds: options.rounds ?? DEFAULT_DESIGN_ROUNDS,
      provider: options.provider,
      model: options.model,
      signal: options.signal,
      onRound: options.onRound,
      check: async (value) => {
        report = await this.validator.dryRun(normalize(pin(value)));
        return errorsOf(report);
      },
      // An answer that breaks the schema is dry-run too, as far as it parses, so the model hears
      // every problem of it in one round (a missing maxIterations and an unknown agent together).
      checkRaw: async (raw) => (isRecord(raw) ? errorsOf(await this.validator.dryRun(pin(raw as PlanDocument))) : []),
    });
    const document = normalize(pin(generated.value));
    report ??= await this.validator.dryRun(document);
    this.logger.info(`Designed plan ${document.id} in ${generated.rounds} round${generated.rounds === 1 ? '' : 's'}`, {
      planId: document.id,
      rounds: generated.rounds,
      durationMs: Date.now() - started,
      provider: generated.provider,
      model: generated.model,
    });
    return { document, rounds: generated.rounds, report, usage: generated.usage, provider: generated.provider, model: generated.model };
  }

  private async runToLearnFrom(plan: Plan, runId: string | undefined): Promise<RunRecord | undefined> {
    if (runId === undefined) {
      if (!this.runs) return undefined;
      const mine = (await this.runs.list()).filter((r) => r.planId === plan.id);
      return mine.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    }
    if (!this.runs) throw new OrchError('unavailable', `Cannot read run ${runId}: the executor plugin is not loaded`);
    let run: RunRecord;
    try {
      run = await this.runs.get(runId);
    } catch (error) {
      if (isOrchError(error) && error.code === 'not_found') throw new OrchError('not_found', `No run ${runId} (orch run:list shows the runs)`, { runId });
      throw error;
    }
    if (run.planId !== plan.id) throw new OrchError('invalid_input', `Run ${runId} ran plan ${run.planId}, not ${plan.id}`, { runId, planId: plan.id });
    return run;
  }
}

/** What the store assigns is not the model's to say. */
function normalize(value: PlanDocument): PlanDocument {
  const { $schema: _s, version: _v, createdAt: _a, createdBy: _b, ...rest } = value;
  return rest as PlanDocument;
}

function checkPlanId(planId: string): void {
  if (!PLAN_ID_PATTERN.test(planId)) throw new OrchError('invalid_input', `"${planId}" is not a plan id: lower-case letters, digits, "_" and "-"`);
}

function freeId(id: string, taken: Set<string>): string {
  for (let n = 2; ; n++) {
    const candidate = `${id.slice(0, 60)}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

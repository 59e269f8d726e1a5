import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { Config, describeError, Logger, Paths, ProcessContext } from '../../kernel/index.js';
import { PlanStore } from './api/index.js';
import { CheckedPlanSaver } from './checked-plan-saver.js';

/** `config/plans.json`; absent means no seeding, so fresh homes start with an empty store. */
export const PlansConfigSchema = z.strictObject({
  /** On `orch start`, store the plans of `examples/plans/` when the plan store is empty. */
  seedExamples: z.boolean().default(false),
});

/**
 * Gives a fresh installation something to look at: the bundled home (the project root) sets
 * `seedExamples`, so the first `npm start` stores the example plans as version 1 of each. It runs
 * only while the store is empty, so it never adds versions to plans people work on.
 */
@injectable()
export class ExamplePlansSeeder {
  constructor(
    @inject(Config) private readonly config: Config,
    @inject(Paths) private readonly paths: Paths,
    @inject(PlanStore) private readonly store: PlanStore,
    @inject(CheckedPlanSaver) private readonly saver: CheckedPlanSaver,
    @inject(ProcessContext) private readonly process: ProcessContext,
    @inject(Logger) private readonly logger: Logger,
  ) {}

  async seedIfEmpty(): Promise<string[]> {
    const settings = await this.config.load('plans.json', PlansConfigSchema, {});
    if (!settings.seedExamples || (await this.store.list()).length > 0) return [];
    const folder = join(this.paths.projectRoot, 'examples', 'plans');
    const files = (await readdir(folder).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
    const seeded: string[] = [];
    for (const file of files) {
      try {
        // Schema check only: a full dry run would wait on MCP servers and model endpoints at start-up.
        const { plan } = await this.saver.save(await readFile(join(folder, file), 'utf8'), {
          operator: this.process.operator,
          origin: 'example',
          check: false,
          source: join(folder, file),
        });
        seeded.push(plan.id);
      } catch (error) {
        this.logger.warn(`Example plan ${file} was not stored: ${describeError(error)}`, { category: 'plans' });
      }
    }
    if (seeded.length) this.logger.info(`Stored the example plans: ${seeded.join(', ')}`, { category: 'plans', plans: seeded });
    return seeded;
  }
}

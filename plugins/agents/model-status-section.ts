import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { describeError, type StatusSection } from '../../kernel/index.js';
import { ModelClients } from './model-clients.js';
import { PROVIDER_ENV } from './models-config.js';

const ModelsSummarySchema = z.object({
  /** The provider calls go to when they name none (`config/models.json` default or ORCH_MODEL_PROVIDER). */
  preferred: z.string(),
  /** Who answers such calls now (null: nobody — see `problem`). */
  answering: z.object({ provider: z.string(), model: z.string() }).nullable(),
  /** True when the preferred provider cannot be used and the fallback (the demo model) answers instead. */
  fallback: z.boolean(),
  problem: z.string().optional(),
});
type ModelsSummary = z.infer<typeof ModelsSummarySchema>;

/**
 * `models` of the status snapshot: which model answers agents, the Designer and the Meta Agent —
 * so `orch status` and the GUI say plainly when the offline demo model stands in for a real one.
 */
@injectable()
export class ModelStatusSection implements StatusSection<ModelsSummary> {
  readonly name = 'models';
  readonly schema = ModelsSummarySchema;

  constructor(@inject(ModelClients) private readonly clients: ModelClients) {}

  async build(): Promise<ModelsSummary> {
    const models = await this.clients.settings();
    const preferred = process.env[PROVIDER_ENV]?.trim() || models.default.provider;
    try {
      const target = await this.clients.resolve();
      await this.clients.reach(target);
      const fallback = target.provider !== preferred;
      return {
        preferred,
        answering: { provider: target.provider, model: target.model },
        fallback,
        ...(fallback ? { problem: this.clients.fallbackReason(preferred) } : {}),
      };
    } catch (error) {
      return { preferred, answering: null, fallback: false, problem: describeError(error) };
    }
  }

  describe(summary: ModelsSummary): string[] {
    if (!summary.answering) return [`no model answers: ${summary.problem ?? 'unknown problem'}`];
    const who = `${summary.answering.provider} (${summary.answering.model})`;
    if (!summary.fallback) return [`${who} answers agents, the Designer and the Meta Agent`];
    return [
      `${who} answers — canned answers labelled [demo model], not a real model`,
      `provider "${summary.preferred}" cannot be used${summary.problem ? `: ${summary.problem}` : ''}`,
      `use a real model: start it, or set ${PROVIDER_ENV} / "default" in config/models.json (docs/agents.md)`,
    ];
  }
}

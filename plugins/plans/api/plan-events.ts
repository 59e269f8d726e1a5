import { z } from 'zod';
import type { EventPayloads } from '../../../kernel/index.js';

/** Events of the plan store. */
export const PlanEvents = {
  'plan.saved': z.object({ planId: z.string(), version: z.number().int() }),
};

declare module '../../../kernel/index.js' {
  interface OrchEventMap extends EventPayloads<typeof PlanEvents> {}
}

import { z } from 'zod';
import type { EventPayloads } from '../../../kernel/index.js';

/** Events of the agent registry. */
export const AgentEvents = {
  'agent.registered': z.object({ name: z.string(), version: z.string().optional() }),
  'agent.unregistered': z.object({ name: z.string() }),
};

declare module '../../../kernel/index.js' {
  interface OrchEventMap extends EventPayloads<typeof AgentEvents> {}
}

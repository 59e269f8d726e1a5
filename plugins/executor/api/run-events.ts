import { z } from 'zod';
import type { EventPayloads } from '../../../kernel/index.js';

const runRef = { runId: z.string(), planId: z.string().optional(), planVersion: z.number().int().optional() };
const nodeRef = { runId: z.string(), nodeId: z.string() };

/** Events of runs and their nodes, published by the executor. */
export const RunEvents = {
  'run.started': z.object({ ...runRef, operator: z.string().optional() }),
  'run.resumed': z.object({ ...runRef }),
  'run.waiting': z.object({ ...runRef, reason: z.string() }),
  'run.completed': z.object({ ...runRef }),
  'run.failed': z.object({ ...runRef, error: z.string() }),
  'run.cancelled': z.object({ ...runRef }),
  'run.blocked': z.object({ ...runRef, error: z.string() }),
  'run.needs_attention': z.object({ ...runRef, nodeId: z.string(), error: z.string() }),
  'node.started': z.object({ ...nodeRef, attempt: z.number().int() }),
  'node.succeeded': z.object({ ...nodeRef, durationMs: z.number(), summary: z.string().optional() }),
  'node.failed': z.object({ ...nodeRef, attempt: z.number().int(), error: z.string() }),
  'node.retrying': z.object({ ...nodeRef, attempt: z.number().int(), delayMs: z.number() }),
  'node.flagged': z.object({ ...nodeRef, error: z.string() }),
  'node.skipped': z.object({ ...nodeRef, reason: z.string() }),
  'node.progress': z.object({ ...nodeRef, progress: z.number(), total: z.number().optional(), message: z.string().optional() }),
};

declare module '../../../kernel/index.js' {
  interface OrchEventMap extends EventPayloads<typeof RunEvents> {}
}

import { z } from 'zod';
import type { EventPayloads } from '../../../kernel/index.js';

const runRef = { runId: z.string(), planId: z.string().optional(), planVersion: z.number().int().optional() };
/** `iteration`: the node's position inside loops (`2`, `2.0` for nested loops); absent outside loops. */
const nodeRef = { runId: z.string(), nodeId: z.string(), iteration: z.string().optional() };

/** Events of runs and their nodes, published by the executor. */
export const RunEvents = {
  'run.started': z.object({ ...runRef, operator: z.string().optional() }),
  'run.resumed': z.object({ ...runRef }),
  /** `status`: what the run waits for — an approval (`waiting_approval`) or a person to fix a node (`needs_attention`). */
  'run.waiting': z.object({ ...runRef, reason: z.string(), status: z.enum(['waiting_approval', 'needs_attention']).optional() }),
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
  /** A conditional chose its branch: `branches.<i>`, `else` or `none` (see `CompositeRunState.branch`). */
  'node.branch': z.object({ ...nodeRef, branch: z.string(), branchIndex: z.number().int(), branchNodeId: z.string().optional() }),
  /** A loop (`nodeId`) starts iteration `index` (from 0) of `count` (forEach) — or ended (`done`, after `iterations`). */
  'node.iteration': z.object({
    ...nodeRef,
    index: z.number().int().nonnegative(),
    count: z.number().int().nonnegative().optional(),
    done: z.boolean(),
    iterations: z.number().int().nonnegative(),
  }),
};

declare module '../../../kernel/index.js' {
  interface OrchEventMap extends EventPayloads<typeof RunEvents> {}
}

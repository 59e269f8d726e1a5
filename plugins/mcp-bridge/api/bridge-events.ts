import { z } from 'zod';
import type { EventPayloads } from '../../../kernel/index.js';

export const BridgeStateSchema = z.enum(['connecting', 'connected', 'disconnected', 'reconnecting']);
export type BridgeState = z.infer<typeof BridgeStateSchema>;

/** Events of the MCP bridge: session states, tool lists and every tool call (`onToolInvoke`). */
export const BridgeEvents = {
  'bridge.state-change': z.object({
    alias: z.string(),
    state: BridgeStateSchema,
    previous: BridgeStateSchema.nullable(),
    attempt: z.number().int().optional(),
    nextRetryAt: z.string().optional(),
    error: z.string().optional(),
  }),
  'bridge.tools-changed': z.object({ alias: z.string(), tools: z.array(z.string()) }),
  'tool.invoked': z.object({
    alias: z.string(),
    tool: z.string(),
    args: z.unknown(),
    operator: z.string(),
    runId: z.string().optional(),
    nodeId: z.string().optional(),
    durationMs: z.number(),
    outcome: z.enum(['ok', 'error']),
    error: z.string().optional(),
  }),
};

declare module '../../../kernel/index.js' {
  interface OrchEventMap extends EventPayloads<typeof BridgeEvents> {}
}

import { z } from 'zod';
import { RiskLevelSchema } from './risk-level.js';

/**
 * Every event on the EventBus. The server broadcasts them unchanged over WebSocket, so this schema is
 * the wire contract for the GUI and the CLI. `seq` is assigned by the bus (per process, increasing)
 * so subscribers can detect gaps; `time` is ISO-8601.
 */
const base = { seq: z.number().int().nonnegative(), time: z.string() };
const runRef = { runId: z.string(), planId: z.string().optional(), planVersion: z.number().int().optional() };
const nodeRef = { runId: z.string(), nodeId: z.string() };

export const BridgeStateSchema = z.enum(['connecting', 'connected', 'disconnected', 'reconnecting']);
export type BridgeState = z.infer<typeof BridgeStateSchema>;

export const OrchEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('run.started'), ...runRef, operator: z.string().optional() }),
  z.object({ ...base, type: z.literal('run.resumed'), ...runRef }),
  z.object({ ...base, type: z.literal('run.waiting'), ...runRef, reason: z.string() }),
  z.object({ ...base, type: z.literal('run.completed'), ...runRef }),
  z.object({ ...base, type: z.literal('run.failed'), ...runRef, error: z.string() }),
  z.object({ ...base, type: z.literal('run.cancelled'), ...runRef }),
  z.object({ ...base, type: z.literal('run.blocked'), ...runRef, error: z.string() }),
  z.object({ ...base, type: z.literal('run.needs_attention'), ...runRef, nodeId: z.string(), error: z.string() }),
  z.object({ ...base, type: z.literal('node.started'), ...nodeRef, attempt: z.number().int() }),
  z.object({ ...base, type: z.literal('node.succeeded'), ...nodeRef, durationMs: z.number(), summary: z.string().optional() }),
  z.object({ ...base, type: z.literal('node.failed'), ...nodeRef, attempt: z.number().int(), error: z.string() }),
  z.object({ ...base, type: z.literal('node.retrying'), ...nodeRef, attempt: z.number().int(), delayMs: z.number() }),
  z.object({ ...base, type: z.literal('node.flagged'), ...nodeRef, error: z.string() }),
  z.object({ ...base, type: z.literal('node.skipped'), ...nodeRef, reason: z.string() }),
  z.object({
    ...base,
    type: z.literal('node.progress'),
    ...nodeRef,
    progress: z.number(),
    total: z.number().optional(),
    message: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('approval.requested'),
    approvalId: z.string(),
    ...nodeRef,
    title: z.string(),
    riskLevel: RiskLevelSchema,
  }),
  z.object({
    ...base,
    type: z.literal('approval.resolved'),
    approvalId: z.string(),
    ...nodeRef,
    outcome: z.enum(['approved', 'rejected']),
    operator: z.string(),
    via: z.enum(['cli', 'gui', 'api', 'timeout']),
  }),
  z.object({
    ...base,
    type: z.literal('approval.escalated'),
    approvalId: z.string(),
    ...nodeRef,
    title: z.string(),
    riskLevel: RiskLevelSchema,
    expiresAt: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('bridge.state-change'),
    alias: z.string(),
    state: BridgeStateSchema,
    previous: BridgeStateSchema.nullable(),
    attempt: z.number().int().optional(),
    nextRetryAt: z.string().optional(),
    error: z.string().optional(),
  }),
  z.object({ ...base, type: z.literal('bridge.tools-changed'), alias: z.string(), tools: z.array(z.string()) }),
  z.object({
    ...base,
    type: z.literal('tool.invoked'),
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
  z.object({ ...base, type: z.literal('agent.registered'), name: z.string(), version: z.string().optional() }),
  z.object({ ...base, type: z.literal('agent.unregistered'), name: z.string() }),
  z.object({ ...base, type: z.literal('plan.saved'), planId: z.string(), version: z.number().int() }),
]);
export type OrchEvent = z.infer<typeof OrchEventSchema>;
export type OrchEventType = OrchEvent['type'];
/** What a publisher passes: the bus adds `seq` and `time`. */
export type OrchEventInput = OrchEvent extends infer E ? (E extends OrchEvent ? Omit<E, 'seq' | 'time'> : never) : never;
export type EventOf<T extends OrchEventType> = Extract<OrchEvent, { type: T }>;

/** Topic of an event: the part before the first dot (`run`, `node`, `approval`, `bridge`, `tool`, ...). */
export function topicOf(type: string): string {
  const dot = type.indexOf('.');
  return dot < 0 ? type : type.slice(0, dot);
}

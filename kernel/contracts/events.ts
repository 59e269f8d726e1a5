import { z } from 'zod';

/**
 * Event types by name, each mapped to its payload (without `type`, `seq` and `time`). The map is
 * empty here: every plugin adds its own events by module augmentation next to their schemas
 * (`declare module '…/kernel/index.js' { interface OrchEventMap extends EventPayloads<typeof MyEvents> {} }`),
 * so the kernel names no event and the bus stays typed for every publisher and subscriber.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OrchEventMap {}

export type OrchEventType = keyof OrchEventMap & string;

/** `seq` is assigned by the bus (per process, increasing) so subscribers can detect gaps; `time` is ISO-8601. */
export interface EventStamp {
  seq: number;
  time: string;
}

export type EventOf<T extends OrchEventType> = OrchEventMap[T] & { type: T } & EventStamp;
export type OrchEvent = { [T in OrchEventType]: EventOf<T> }[OrchEventType];
/** What a publisher passes: the bus adds `seq` and `time`. */
export type OrchEventInput = { [T in OrchEventType]: OrchEventMap[T] & { type: T } }[OrchEventType];

/** Payload schemas by event type, as a plugin declares them. */
export type EventSchemas = Record<string, z.ZodObject>;
/** The payload types of an `EventSchemas` record: what a plugin adds to `OrchEventMap`. */
export type EventPayloads<S extends EventSchemas> = { [K in keyof S]: z.output<S[K]> };

/**
 * Contribution point: the events a plugin publishes (`run.started`, …). The bus, the server's topic
 * filter and the WebSocket accept every type contributed here, so a third-party plugin can add a
 * topic of its own. Types must be `<topic>.<name>`.
 */
export interface EventContribution {
  readonly events: EventSchemas;
}
export const EventContribution = Symbol.for('orch.EventContribution');

export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_-]*\.[a-z][a-z0-9_.-]*$/;

/** The wire schema of one event type: its payload plus `type`, `seq` and `time`. */
export function wireEventSchema(type: string, payload: z.ZodObject): z.ZodObject {
  return payload.extend({ type: z.literal(type), seq: z.number().int().nonnegative(), time: z.string() });
}

/** Topic of an event: the part before the first dot (`run`, `node`, `approval`, `bridge`, `tool`, ...). */
export function topicOf(type: string): string {
  const dot = type.indexOf('.');
  return dot < 0 ? type : type.slice(0, dot);
}

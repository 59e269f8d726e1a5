import type { EventOf, OrchEvent, OrchEventInput, OrchEventType } from './events.js';

export type Unsubscribe = () => void;

/**
 * In-process typed events. Subscribers run synchronously in order, in the bus's own async context
 * (not the publisher's, so nothing they keep holds on to the publisher's state); one that throws is logged and skipped.
 */
export interface EventBus {
  publish(event: OrchEventInput): OrchEvent;
  subscribe(listener: (event: OrchEvent) => void): Unsubscribe;
  on<T extends OrchEventType>(type: T, listener: (event: EventOf<T>) => void): Unsubscribe;
}
export const EventBus = Symbol.for('orch.EventBus');

/** Contribution point: plugins that want every event without wiring a subscription by hand. */
export interface EventSubscriber {
  /** Topics (`run`, `node`, `bridge`, ...) or exact types; all events when omitted. */
  readonly topics?: readonly string[];
  onEvent(event: OrchEvent): void;
}
export const EventSubscriber = Symbol.for('orch.EventSubscriber');

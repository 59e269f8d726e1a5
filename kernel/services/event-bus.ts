import type { EventBus, Unsubscribe } from '../contracts/event-bus.js';
import type { EventOf, OrchEvent, OrchEventInput, OrchEventType } from '../contracts/events.js';
import type { Logger } from '../contracts/logger.js';

/** Synchronous in-process bus; a throwing listener is logged and the others still get the event. */
export class InProcessEventBus implements EventBus {
  private seq = 0;
  private readonly listeners = new Set<(event: OrchEvent) => void>();

  constructor(private readonly logger: Logger) {}

  publish(input: OrchEventInput): OrchEvent {
    const event = { ...input, seq: ++this.seq, time: new Date().toISOString() } as OrchEvent;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error('An event listener threw', { event: event.type, error: (error as Error).message });
      }
    }
    return event;
  }

  subscribe(listener: (event: OrchEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  on<T extends OrchEventType>(type: T, listener: (event: EventOf<T>) => void): Unsubscribe {
    return this.subscribe((event) => {
      if (event.type === type) listener(event as unknown as EventOf<T>);
    });
  }
}

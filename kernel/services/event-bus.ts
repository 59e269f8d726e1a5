import { AsyncResource } from 'node:async_hooks';
import type { EventBus, Unsubscribe } from '../contracts/event-bus.js';
import type { EventOf, OrchEvent, OrchEventInput, OrchEventType } from '../contracts/events.js';
import type { Logger } from '../contracts/logger.js';

/**
 * Synchronous in-process bus; a throwing listener is logged and the others still get the event.
 * Listeners run in the bus's own async context, not the publisher's: events are published from
 * deep inside work whose async context holds large state (a LangGraph loop, through LangChain's
 * async-local store), and a timer or promise chain a listener made there (a journal's writes) kept
 * that state in memory for as long as the listener kept it.
 */
export class InProcessEventBus implements EventBus {
  private seq = 0;
  private readonly listeners = new Set<(event: OrchEvent) => void>();
  private readonly scope = new AsyncResource('orch:event-bus');

  constructor(private readonly logger: Logger) {}

  publish(input: OrchEventInput): OrchEvent {
    const event = { ...input, seq: ++this.seq, time: new Date().toISOString() } as OrchEvent;
    this.scope.runInAsyncScope(() => this.deliver(event));
    return event;
  }

  private deliver(event: OrchEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error('An event listener threw', { event: event.type, error: (error as Error).message });
      }
    }
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

import type { OrchEvent } from '../../kernel/index.js';

/**
 * The newest events of this server instance, in bus order, so a client that reconnects with
 * `?since=<seq>` gets exactly what it missed. Bounded: a ring of `capacity` events.
 */
export class EventJournal {
  private readonly ring: OrchEvent[] = [];
  private start = 0;

  constructor(private readonly capacity: number) {}

  append(event: OrchEvent): void {
    if (this.capacity === 0) return;
    if (this.ring.length < this.capacity) this.ring.push(event);
    else {
      this.ring[this.start] = event;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /**
   * Events with `seq` greater than `since`, oldest first; undefined when some of them are no longer
   * held (the client must start afresh from a snapshot).
   */
  after(since: number, lastSeq: number): OrchEvent[] | undefined {
    if (since >= lastSeq) return [];
    const events = this.ordered();
    const oldest = events[0]?.seq;
    if (oldest === undefined || oldest > since + 1) return undefined;
    return events.filter((event) => event.seq > since);
  }

  private ordered(): OrchEvent[] {
    return [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
  }
}

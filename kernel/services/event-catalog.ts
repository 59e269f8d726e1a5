import type { z } from 'zod';
import type { EventCatalog } from '../contracts/event-catalog.js';
import { EVENT_TYPE_PATTERN, topicOf, wireEventSchema, type EventContribution } from '../contracts/events.js';

/**
 * The event types of every loaded plugin's `EventContribution`. A malformed type, or one contributed
 * twice, is left out and reported in `problems` (the kernel logs them); the first contribution wins.
 */
export class ContributedEventCatalog implements EventCatalog {
  private readonly schemas = new Map<string, z.ZodObject>();
  readonly problems: string[] = [];

  constructor(contributions: readonly EventContribution[]) {
    for (const contribution of contributions) {
      for (const [type, payload] of Object.entries(contribution.events)) {
        if (!EVENT_TYPE_PATTERN.test(type)) this.problems.push(`event type "${type}" is not <topic>.<name> in lower case`);
        else if (this.schemas.has(type)) this.problems.push(`event type "${type}" is contributed twice; the first contribution is used`);
        else this.schemas.set(type, wireEventSchema(type, payload));
      }
    }
  }

  types(): string[] {
    return [...this.schemas.keys()];
  }

  topics(): string[] {
    return [...new Set(this.types().map(topicOf))];
  }

  has(type: string): boolean {
    return this.schemas.has(type);
  }

  schemaOf(type: string): z.ZodObject | undefined {
    return this.schemas.get(type);
  }
}

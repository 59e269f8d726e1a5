import { OrchEventSchema, topicOf, type OrchEvent } from '../../kernel/index.js';
import { HttpError } from './error-reply.js';

/** Every event type on the bus, read from the schema so new types need no change here. */
export function knownEventTypes(): string[] {
  return OrchEventSchema.options.map((option) => option.shape.type.value);
}

/** Which events a WebSocket client asked for: `?topics=run,bridge` (topics) or exact types (`run.completed`). */
export class TopicFilter {
  private constructor(readonly names: readonly string[] | null) {}

  static all(): TopicFilter {
    return new TopicFilter(null);
  }

  /** Parses the `topics` query value; an unknown name is a 400 naming it and the known topics. */
  static parse(value: string | null): TopicFilter {
    const names = [...new Set((value ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
    if (names.length === 0) return TopicFilter.all();
    const types = knownEventTypes();
    const topics = [...new Set(types.map(topicOf))];
    const unknown = names.filter((n) => !topics.includes(n) && !types.includes(n));
    if (unknown.length > 0) {
      throw new HttpError(400, 'invalid_input', `Unknown event topic ${unknown.map((u) => `"${u}"`).join(', ')}; topics are ${topics.join(', ')} (or exact event types such as run.completed)`, {
        issues: unknown.map((u) => ({ path: 'query.topics', message: `unknown topic "${u}"` })),
      });
    }
    return new TopicFilter(names);
  }

  accepts(event: OrchEvent): boolean {
    return this.names === null || this.names.includes(event.type) || this.names.includes(topicOf(event.type));
  }
}

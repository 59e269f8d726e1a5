import { topicOf, type EventCatalog, type OrchEvent } from '../../kernel/index.js';
import { HttpError } from './error-reply.js';

/** Which events a WebSocket client asked for: `?topics=run,bridge` (topics) or exact types (`run.completed`). */
export class TopicFilter {
  private constructor(readonly names: readonly string[] | null) {}

  static all(): TopicFilter {
    return new TopicFilter(null);
  }

  /** Parses the `topics` query value against the contributed events; an unknown name is a 400 naming it and the known topics. */
  static parse(value: string | null, catalog: Pick<EventCatalog, 'types' | 'topics'>): TopicFilter {
    const names = [...new Set((value ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
    if (names.length === 0) return TopicFilter.all();
    const types = catalog.types();
    const topics = catalog.topics();
    const unknown = names.filter((n) => !topics.includes(n) && !types.includes(n));
    if (unknown.length > 0) {
      throw new HttpError(400, 'invalid_input', `Unknown event topic ${unknown.map((u) => `"${u}"`).join(', ')}; topics are ${topics.join(', ')} (or exact event types such as run.completed)`, {
        issues: unknown.map((u) => ({ path: 'query.topics', message: `unknown topic "${u}"` })),
      });
    }
    return new TopicFilter(names);
  }

  accepts(event: Pick<OrchEvent, 'type'>): boolean {
    return this.names === null || this.names.includes(event.type) || this.names.includes(topicOf(event.type));
  }
}

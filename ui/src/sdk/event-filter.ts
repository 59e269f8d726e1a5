/** A filter of live events: `"run"` (a topic), `"node.failed"` (a type), `"*"` (all), or several. */
export type EventFilter = string | readonly string[];

export function eventMatches(filter: EventFilter, event: { type: string }): boolean {
  const wanted = typeof filter === 'string' ? [filter] : filter;
  const dot = event.type.indexOf('.');
  const topic = dot < 0 ? event.type : event.type.slice(0, dot);
  return wanted.some((w) => w === '*' || w === event.type || w === topic);
}

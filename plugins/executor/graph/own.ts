/**
 * `map[key]` if `map` has it as its own property (state maps come back from checkpoints as plain
 * objects, and a plan id such as `constructor` must not find what every object inherits). Apart
 * from the compiler so that readers of run state (the HTTP routes) do not load LangGraph.
 */
export function own<T>(map: Record<string, T> | undefined, key: string): T | undefined {
  return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
}

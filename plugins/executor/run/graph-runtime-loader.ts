export type GraphRuntime = typeof import('./graph-runtime.js');

let loading: Promise<GraphRuntime> | undefined;

/**
 * The executor's LangGraph part (`graph-runtime.ts`), imported once per process when a run is first
 * compiled, resumed or read from its checkpoints. Importing it costs about as much memory as the
 * rest of the server and, under load, over a second; most processes never need it.
 */
export function loadGraphRuntime(): Promise<GraphRuntime> {
  return (loading ??= import('./graph-runtime.js'));
}

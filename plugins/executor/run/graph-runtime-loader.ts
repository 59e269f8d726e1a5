export type GraphRuntime = typeof import('./graph-runtime.js');

let loading: Promise<GraphRuntime> | undefined;

/**
 * The executor's LangGraph part (`graph-runtime.ts`), imported once per process when a run is first
 * compiled, resumed or read from its checkpoints. Importing it costs about 20 MB and, under load,
 * up to a second; commands that only read records and an idle server never need it.
 */
export function loadGraphRuntime(): Promise<GraphRuntime> {
  return (loading ??= import('./graph-runtime.js'));
}

import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';

/** Where LangChain keeps a runnable's config in its async-local store (`getRunnableConfig()` reads it). */
const CHILD_CONFIG = Symbol.for('lc:child_config');
/** LangChain's context variables (`setContextVariable`), inherited from the enclosing store. */
const CONTEXT_VARIABLES = Symbol.for('lc:context_variables');
/** The variables with which LangChain turns LangSmith tracing on (as its `isTracingEnabled` reads them). */
const TRACING_VARIABLES = ['LANGSMITH_TRACING_V2', 'LANGCHAIN_TRACING_V2', 'LANGSMITH_TRACING', 'LANGCHAIN_TRACING'];

type RunWithConfig = typeof AsyncLocalStorageProviderSingleton.runWithConfig;

let installedFor: string | undefined;

/**
 * LangChain core runs every runnable LangGraph invokes — each node, each channel writer, each edge —
 * inside `AsyncLocalStorageProviderSingleton.runWithConfig`, which stores the runnable's config
 * where `getRunnableConfig()` finds it (that is how LangGraph's `interrupt()` and `getConfig()` know
 * their run). With no LangSmith tracer it stores it in a new LangSmith `RunTree`, made only to carry
 * it: the constructor reads a dozen environment variables and draws a UUIDv7 from the system's
 * random source. LangGraph makes six of them per step, about a tenth of the time of a step whose node
 * does nothing (measured: docs/executor.md).
 *
 * For invocations whose config carries `key` — Orch's runs, and only them — the config is stored in
 * a plain object instead, which is all `getRunnableConfig()` reads. Everything else in the process
 * keeps LangChain's behaviour, and so does everything when LangSmith tracing is switched on in the
 * environment (read here, once: the tracer needs its RunTrees). What Orch's runs lose is only what
 * no part of Orch uses: LangSmith's `traceable` nesting, and context variables set inside a graph
 * node (`setContextVariable` there replaces the store with one that no longer holds the config).
 *
 * Installed once per process; returns false when it is not (tracing is on, or another key has it).
 */
export function installLeanRunnableContext(key: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (TRACING_VARIABLES.some((name) => env[name] === 'true')) return false;
  if (installedFor !== undefined) return installedFor === key;
  const provider = AsyncLocalStorageProviderSingleton;
  const original: RunWithConfig = provider.runWithConfig;
  const lean = function <T>(this: typeof provider, config: { configurable?: Record<string, unknown> } | undefined, callback: () => T, avoidCreatingRootRunTree?: boolean): T {
    // A caller that asks for no root RunTree gets none from LangChain either: nothing to save there.
    if (avoidCreatingRootRunTree || config?.configurable?.[key] === undefined) return original.call(this, config, callback, avoidCreatingRootRunTree) as T;
    const storage = this.getInstance();
    const carrier: Record<string | symbol, unknown> = { extra: { [CHILD_CONFIG]: config } };
    const inherited = (storage.getStore() as Record<symbol, unknown> | undefined)?.[CONTEXT_VARIABLES];
    if (inherited !== undefined) carrier[CONTEXT_VARIABLES] = inherited;
    return storage.run(carrier, callback) as T;
  };
  provider.runWithConfig = lean;
  installedFor = key;
  return true;
}

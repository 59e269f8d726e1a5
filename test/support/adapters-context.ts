import { type Logger } from '../../kernel/index.js';
import { NodeAdapter, adapterKey, type LeafNode, type NodeRunContext } from '../../plugins/plans/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import { createTestHome, type TestHome } from './test-home.js';

/** A temp home with the adapters plugins booted, and a way to call an adapter as the executor would. */
export interface AdaptersHome extends TestHome {
  kernel: Kernel;
  /** `local_task:script`, `external_service`, … */
  adapter<P = unknown, O = unknown>(key: string): NodeAdapter<P, O>;
}

export async function createAdaptersHome(options: { plugins?: string[]; config?: Record<string, unknown> } = {}): Promise<AdaptersHome> {
  const home = await createTestHome(options.config ?? {});
  const kernel = await home.boot({ only: options.plugins ?? ['adapters-local'] });
  await kernel.start();
  return {
    ...home,
    kernel,
    adapter<P, O>(key: string) {
      const found = kernel.container.getAll<NodeAdapter>(NodeAdapter).find((a) => adapterKey(a) === key);
      if (!found) throw new Error(`no adapter ${key} is bound`);
      return found as unknown as NodeAdapter<P, O>;
    },
  };
}

/** A scratch that outlives one call, as the run record does across a restart. */
export class ScratchBox {
  value: unknown;
  writes = 0;
  get<T>(): T | undefined {
    return this.value as T | undefined;
  }
  async set(value: unknown): Promise<void> {
    this.value = structuredClone(value);
    this.writes += 1;
  }
}

export interface CallOptions {
  nodeId?: string;
  node?: Partial<LeafNode>;
  vars?: Record<string, unknown>;
  signal?: AbortSignal;
  timeoutMs?: number;
  attempt?: number;
  scratch?: ScratchBox;
  logger?: Logger;
  progress?: { progress: number; total?: number; message?: string }[];
}

/**
 * Calls `adapter.run` with `rawParams` parsed by its schema, as the executor does (templates are
 * not rendered here: tests give final values, or test the adapters that render their own).
 */
export async function callAdapter<P, O>(home: AdaptersHome, adapter: NodeAdapter<P, O>, rawParams: unknown, options: CallOptions = {}): Promise<O> {
  return adapter.run(contextFor(home, adapter, rawParams, options));
}

export function contextFor<P, O>(home: AdaptersHome, adapter: NodeAdapter<P, O>, rawParams: unknown, options: CallOptions = {}): NodeRunContext<P> {
  const params = adapter.paramsSchema.parse(rawParams);
  const nodeId = options.nodeId ?? 'node1';
  const attempt = options.attempt ?? 1;
  const scratch = options.scratch ?? new ScratchBox();
  const node = {
    id: nodeId,
    type: adapter.type,
    ...(adapter.type === 'local_task' ? { kind: adapter.kind, params: rawParams } : {}),
    ...(options.node ?? {}),
  } as LeafNode;
  return {
    runId: 'run-test',
    planId: 'plan-test',
    planVersion: 1,
    nodeId,
    node,
    attempt,
    idempotencyKey: `run-test:${nodeId}:${attempt}`,
    params,
    vars: options.vars ?? {},
    signal: options.signal ?? new AbortController().signal,
    timeoutMs: options.timeoutMs,
    operator: 'tester',
    logger: options.logger ?? home.kernel.logger.child({ category: 'adapters-test', nodeId }),
    scratch,
    reportProgress: (progress, total, message) => options.progress?.push({ progress, total, message }),
  };
}

/** Runs `work` and returns what it threw (fails the test when it does not throw). */
export async function failureOf(work: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await work;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a failure, but the call succeeded');
}

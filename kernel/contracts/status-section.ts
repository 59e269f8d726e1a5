import type { z } from 'zod';

/**
 * Contribution point: one section of the status snapshot (the WebSocket's first message,
 * `GET /api/status`, `orch status`). The plugin that owns the data builds and describes it, so the
 * server that assembles the snapshot depends on no business plugin.
 */
export interface StatusSection<T = unknown> {
  /** Key in the snapshot (`bridges`, `runs`, `approvals`, …); also declared in the manifest. */
  readonly name: string;
  readonly schema: z.ZodType<T>;
  build(): Promise<T>;
  /** Lines for a person reading `orch status`; `source` says whether a live server or this process read it. */
  describe(value: T, source: 'server' | 'direct'): string[];
  /** `orch status --probe` with no server: try to fill the section for real (e.g. connect the MCP servers), bounded by `timeoutMs`. */
  probe?(timeoutMs: number): Promise<void>;
}
export const StatusSection = Symbol.for('orch.StatusSection');

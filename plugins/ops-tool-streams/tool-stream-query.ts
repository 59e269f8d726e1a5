import { z } from 'zod';
import { TOOL_STREAM_LIMIT, type ToolStreamRecord } from '../mcp-bridge/api/index.js';

/** Which records to show: shared by the command and the REST route. */
export const ToolStreamQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(TOOL_STREAM_LIMIT).default(20),
  alias: z.string().min(1).optional(),
  tool: z.string().min(1).optional(),
  runId: z.string().min(1).optional(),
  errors: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .default(false),
});
export type ToolStreamQuery = z.output<typeof ToolStreamQuerySchema>;

export function matches(record: ToolStreamRecord, query: Omit<ToolStreamQuery, 'limit'>): boolean {
  return (
    (!query.alias || record.alias === query.alias) &&
    (!query.tool || record.tool === query.tool) &&
    (!query.runId || record.runId === query.runId) &&
    (!query.errors || record.outcome === 'error')
  );
}

/** The newest `limit` matching records, oldest first. */
export function select(records: readonly ToolStreamRecord[], query: ToolStreamQuery): ToolStreamRecord[] {
  return records.filter((r) => matches(r, query)).slice(-query.limit);
}

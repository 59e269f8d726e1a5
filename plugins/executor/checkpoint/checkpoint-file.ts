import { z } from 'zod';

/**
 * One checkpoint on disk: `state/checkpoints/<runId>/<checkpointId>.json` (other namespaces in a
 * sub-folder). `changed` lists the channels whose version changed at this checkpoint; `values` holds
 * their values plus the unchanged ones copied from the parent (same version), so each file stands
 * alone. A channel neither stored nor changed is read from the ancestors. Values go through
 * LangGraph's serializer; JSON ones are stored inline so a person can read them.
 */
export const CHECKPOINT_FILE_FORMAT = 'orch.checkpoint/1';

export const SerializedValueSchema = z.union([
  z.object({ type: z.literal('json'), json: z.unknown() }),
  z.object({ type: z.string(), base64: z.string() }),
]);
export type SerializedValue = z.infer<typeof SerializedValueSchema>;

export const StoredWriteSchema = z.object({
  taskId: z.string(),
  idx: z.number().int(),
  channel: z.string(),
  taskPath: z.string(),
  value: SerializedValueSchema,
});
export type StoredWrite = z.infer<typeof StoredWriteSchema>;

export const CheckpointFileSchema = z.object({
  format: z.literal(CHECKPOINT_FILE_FORMAT),
  threadId: z.string(),
  ns: z.string(),
  id: z.string().min(1),
  parentId: z.string().optional(),
  /** The checkpoint without `channel_values` (v, id, ts, channel_versions, versions_seen, …). */
  checkpoint: z.record(z.string(), z.unknown()),
  /** Channels whose version changed at this checkpoint (newVersions of `put`). */
  changed: z.array(z.string()),
  values: z.record(z.string(), SerializedValueSchema),
  metadata: SerializedValueSchema,
  writes: z.array(StoredWriteSchema),
});
export type CheckpointFile = z.infer<typeof CheckpointFileSchema>;

import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointTuple, SerializerProtocol } from '@langchain/langgraph-checkpoint';
import { CheckpointFileSchema } from './checkpoint-file.js';
import type { StoredLogWrite } from './checkpoint-log-format.js';
import { JsonCheckpointSaver, type CorruptCheckpoint } from './json-checkpoint-saver.js';

export interface LegacyCheckpoints {
  /** Every readable checkpoint, oldest first within each namespace. */
  checkpoints: { ns: string; tuple: CheckpointTuple; writes: StoredLogWrite[] }[];
  /** Deletes the one-file-per-checkpoint files (once their content is in the log). */
  remove(): Promise<void>;
}

/**
 * The checkpoints of a run stored by the earlier saver (`<runId>/<checkpointId>.json`, other
 * namespaces in `ns~<name>/`), read through that saver (a corrupt newest file is set aside as it
 * always was); `undefined` when the run has no such files.
 */
export async function readLegacyCheckpoints(
  root: string,
  threadId: string,
  options: { keep: number; serde: SerializerProtocol; onCorrupt?: (event: CorruptCheckpoint) => void },
): Promise<LegacyCheckpoints | undefined> {
  const saver = new JsonCheckpointSaver(root, { keep: options.keep, serde: options.serde, onCorrupt: options.onCorrupt });
  const folder = saver.folderOf(threadId);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return undefined;
  }
  const legacyNames = names.filter((n) => (n.endsWith('.json') && !n.startsWith('.')) || n.startsWith('ns~'));
  if (legacyNames.length === 0) return undefined;
  const checkpoints: LegacyCheckpoints['checkpoints'] = [];
  const byNs = new Map<string, CheckpointTuple[]>();
  for await (const tuple of saver.list({ configurable: { thread_id: threadId } })) {
    const ns = (tuple.config.configurable?.checkpoint_ns as string | undefined) ?? '';
    let list = byNs.get(ns);
    if (!list) byNs.set(ns, (list = []));
    list.push(tuple);
  }
  for (const [ns, tuples] of byNs) {
    for (const tuple of tuples.reverse()) {
      const id = tuple.checkpoint.id;
      // Writes with their index and task path, which tuples do not carry.
      const file = join(saver.folderOf(threadId, ns), `${id}.json`);
      const data = CheckpointFileSchema.parse(JSON.parse(await readFile(file, 'utf8')));
      const writes = data.writes.map((w) => ({ task: w.taskId, idx: w.idx, ch: w.channel, path: w.taskPath, v: w.value }));
      checkpoints.push({ ns, tuple, writes });
    }
  }
  return {
    checkpoints,
    async remove() {
      for (const name of legacyNames) await rm(join(folder, name), { recursive: true, force: true });
    },
  };
}

import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  TASKS,
  WRITES_IDX_MAP,
  compareWritesSortKeys,
  getCheckpointId,
  writesSortKey,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type PendingWrite,
} from '@langchain/langgraph-checkpoint';
import { OrchError } from '../../../kernel/index.js';
import { inListingOrder, listCheckpoints, withPendingSends } from './checkpoint-listing.js';
import { storeWrite } from './stored-writes.js';

interface StoredWrite {
  task: string;
  idx: number;
  channel: string;
  path: string;
  value: unknown;
}

interface StoredCheckpoint {
  checkpoint: Checkpoint;
  metadata: CheckpointMetadata;
  parent?: string;
}

/** One namespace of a run: its kept checkpoints (ids ascending) and the writes stored against them. */
interface Namespace {
  ids: string[];
  checkpoints: Map<string, StoredCheckpoint>;
  writes: Map<string, StoredWrite[]>;
}

const DEFAULT_KEEP = 20;

/**
 * LangGraph's checkpoint saver for memory-mode runs: checkpoints stay the objects LangGraph hands
 * over, never serialised. LangGraph's MemorySaver turns every checkpoint into JSON text — the whole
 * state, every step — and keeps every one of them; for a run whose state grows with its nodes that
 * is work and memory that grow with the square of its length, for history nothing outside the
 * process ever reads. Here a `put` copies the checkpoint's maps one level deep (LangGraph changes
 * the versions of the checkpoint it holds in place, never the values) and a read copies them again,
 * so neither side sees the other's changes. Channel values and writes are kept by reference: the
 * executor's state is built by reducers that make new maps around the same members, and nothing
 * changes a value once a node has returned it (the JSON saver relies on the same, see
 * `LogCheckpointSaver.membersPatch`). Array values are copied, as a LangGraph topic channel appends
 * to the array it last checkpointed.
 *
 * As in JSON mode, the newest `keep` checkpoints of each run and namespace are kept (`run:history`
 * shows the same in both modes); older ones and their writes are dropped as new ones arrive.
 */
export class ObjectCheckpointSaver extends BaseCheckpointSaver {
  private readonly keep: number;
  private readonly threads = new Map<string, Map<string, Namespace>>();

  constructor(options: { keep?: number } = {}) {
    super();
    this.keep = Math.max(1, options.keep ?? DEFAULT_KEEP);
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id as string | undefined;
    if (threadId === undefined || threadId === null) return undefined;
    const ns = (config.configurable?.checkpoint_ns as string | undefined) ?? '';
    const space = this.threads.get(threadId)?.get(ns);
    if (!space) return undefined;
    const id = getCheckpointId(config) || space.ids.at(-1);
    return id === undefined ? undefined : this.tupleOf(threadId, ns, space, id);
  }

  list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    return listCheckpoints<{ threadId: string; ns: string; space: Namespace; id: string; stored: StoredCheckpoint }>(
      {
        threadIds: () => [...this.threads.keys()],
        namespaces: (threadId) => inListingOrder(this.threads.get(threadId)?.keys() ?? []),
        idsNewestFirst: (threadId, ns) => [...(this.threads.get(threadId)?.get(ns)?.ids ?? [])].reverse(),
        item: (threadId, ns, id) => {
          const space = this.threads.get(threadId)?.get(ns);
          const stored = space?.checkpoints.get(id);
          return space && stored ? { threadId, ns, space, id, stored } : undefined;
        },
        metadataOf: ({ stored }) => stored.metadata as Record<string, unknown>,
        tupleOf: ({ threadId, ns, space, id }) => this.tupleOf(threadId, ns, space, id)!,
      },
      config,
      options,
    );
  }

  async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    const threadId = config.configurable?.thread_id as string | undefined;
    if (threadId === undefined || threadId === null || threadId === '') {
      throw new OrchError('invalid_input', 'Cannot store a checkpoint: the config has no "thread_id" in "configurable"');
    }
    const ns = (config.configurable?.checkpoint_ns as string | undefined) ?? '';
    const parent = (config.configurable?.checkpoint_id as string | undefined) || undefined;
    const space = this.namespace(threadId, ns);
    if (!space.checkpoints.has(checkpoint.id)) insertSorted(space.ids, checkpoint.id);
    const stored = copyOf(checkpoint);
    keepChangedValues(stored, newVersions ?? {}, parent === undefined ? undefined : space.checkpoints.get(parent)?.checkpoint);
    space.checkpoints.set(checkpoint.id, { checkpoint: stored, metadata, ...(parent ? { parent } : {}) });
    this.prune(space);
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id } };
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    const threadId = config.configurable?.thread_id as string | undefined;
    const checkpointId = config.configurable?.checkpoint_id as string | undefined;
    if (threadId === undefined || threadId === null) throw new OrchError('invalid_input', 'Cannot store writes: the config has no "thread_id" in "configurable"');
    if (!checkpointId) throw new OrchError('invalid_input', 'Cannot store writes: the config has no "checkpoint_id" in "configurable"');
    const ns = (config.configurable?.checkpoint_ns as string | undefined) ?? '';
    const space = this.namespace(threadId, ns);
    let stored = space.writes.get(checkpointId);
    if (!stored) space.writes.set(checkpointId, (stored = []));
    for (const [index, [channel, value]] of writes.entries()) {
      storeWrite(stored, { task: taskId, idx: WRITES_IDX_MAP[channel] ?? index, channel, path: taskPath ?? '', value });
    }
  }

  async deleteThread(threadId: string): Promise<void> {
    this.threads.delete(threadId);
  }

  private namespace(threadId: string, ns: string): Namespace {
    let spaces = this.threads.get(threadId);
    if (!spaces) this.threads.set(threadId, (spaces = new Map()));
    let space = spaces.get(ns);
    if (!space) spaces.set(ns, (space = { ids: [], checkpoints: new Map(), writes: new Map() }));
    return space;
  }

  /** Drops the oldest checkpoints past `keep`, with their writes. */
  private prune(space: Namespace): void {
    while (space.ids.length > this.keep) {
      const oldest = space.ids.shift()!;
      space.checkpoints.delete(oldest);
      space.writes.delete(oldest);
    }
  }

  private tupleOf(threadId: string, ns: string, space: Namespace, id: string): CheckpointTuple | undefined {
    const stored = space.checkpoints.get(id);
    if (!stored) return undefined;
    const checkpoint = copyOf(stored.checkpoint);
    if (checkpoint.v < 4 && stored.parent !== undefined) {
      const sends = (space.writes.get(stored.parent) ?? []).filter((w) => w.channel === TASKS).map((w) => w.value);
      withPendingSends(checkpoint, sends, () => this.getNextVersion(undefined));
    }
    const ordered = [...(space.writes.get(id) ?? [])].sort((a, b) => compareWritesSortKeys(writesSortKey(a.path, a.task, a.idx), writesSortKey(b.path, b.task, b.idx)));
    const pendingWrites: CheckpointPendingWrite[] = ordered.map((w) => [w.task, w.channel, w.value]);
    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: id } },
      checkpoint,
      metadata: structuredClone(stored.metadata),
      pendingWrites,
    };
    if (stored.parent !== undefined) tuple.parentConfig = { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: stored.parent } };
    return tuple;
  }
}

/**
 * A checkpoint whose maps are its own: versions and versions seen (two levels of plain values)
 * copied, channel values copied one level, arrays among them copied too.
 */
function copyOf(checkpoint: Checkpoint): Checkpoint {
  const versionsSeen: Checkpoint['versions_seen'] = {};
  for (const node in checkpoint.versions_seen) versionsSeen[node] = { ...checkpoint.versions_seen[node] };
  const values: Checkpoint['channel_values'] = {};
  for (const channel in checkpoint.channel_values) {
    const value = checkpoint.channel_values[channel];
    values[channel] = Array.isArray(value) ? [...value] : value;
  }
  return { ...checkpoint, channel_values: values, channel_versions: { ...checkpoint.channel_versions }, versions_seen: versionsSeen };
}

/**
 * As LangGraph's savers store a value per channel version: the values of the channels that changed
 * (`newVersions`) are the checkpoint's, the others the parent's when it holds the same version of
 * them (the same object, in a run), else none.
 */
function keepChangedValues(checkpoint: Checkpoint, newVersions: ChannelVersions, parent: Checkpoint | undefined): void {
  const values = checkpoint.channel_values;
  for (const channel in values) {
    if (channel in newVersions) continue;
    if (parent && channel in parent.channel_values && parent.channel_versions[channel] === checkpoint.channel_versions[channel]) values[channel] = parent.channel_values[channel];
    else delete values[channel];
  }
}

function insertSorted(ids: string[], id: string): void {
  if (ids.length === 0 || ids[ids.length - 1]! < id) ids.push(id);
  else {
    ids.push(id);
    ids.sort();
  }
}

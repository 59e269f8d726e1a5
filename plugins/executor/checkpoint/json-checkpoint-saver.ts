import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
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
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import { OrchError, toStoredJson, writeFileAtomic } from '../../../kernel/index.js';
import { listCheckpoints, withPendingSends } from './checkpoint-listing.js';
import { CoalescingWriter } from '../coalescing-writer.js';
import { CHECKPOINT_FILE_FORMAT, CheckpointFileSchema, type CheckpointFile, type SerializedValue } from './checkpoint-file.js';
import { folderNameOf, threadIdOfFolder } from './folder-names.js';

export interface JsonCheckpointSaverOptions {
  /** Checkpoints kept per run and namespace; older ones are deleted after each new one. */
  keep?: number;
  /** Told about a corrupt checkpoint that was set aside (the saver falls back to the one before). */
  onCorrupt?: (event: CorruptCheckpoint) => void;
  serde?: SerializerProtocol;
}

export interface CorruptCheckpoint {
  threadId: string;
  checkpointId: string;
  file: string;
  movedTo: string;
  reason: string;
}

interface Slot {
  file: string;
  data: CheckpointFile;
  writer: CoalescingWriter;
  /** This process wrote the file: its copy in memory is the truth (one process runs a run at a time). */
  owned: boolean;
  /** mtime+size of the file when this process read it (detects changes by another process). */
  stamp?: string;
}

const DEFAULT_KEEP = 20;
const CHECKPOINT_FILE = /^(.+)\.json$/;

/**
 * LangGraph's checkpoint saver on JSON files: `<root>/<threadId>/<checkpointId>.json`, one file per
 * checkpoint holding its channel values (those that changed there, plus the unchanged ones copied
 * from its parent) and its pending writes (returned in LangGraph's `writesSortKey` order). Every write is atomic (temp file, fsync, rename) and newline-terminated;
 * a failed write rejects with `write_failed` so the run stops. Only the newest `keep` checkpoints
 * of a thread are kept (a kept one that still depends on a deleted one — written by an older
 * version — is first rewritten with every value). A newest checkpoint that cannot be parsed is renamed to
 * `<id>.json.corrupt` and the previous one is used, with a warning.
 */
export class JsonCheckpointSaver extends BaseCheckpointSaver {
  private readonly keep: number;
  private readonly slots = new Map<string, Slot>();
  private readonly pruning = new Map<string, Promise<void>>();

  constructor(
    readonly root: string,
    private readonly options: JsonCheckpointSaverOptions = {},
  ) {
    super(options.serde);
    this.keep = Math.max(1, options.keep ?? DEFAULT_KEEP);
  }

  /** The folder of one thread's checkpoints in a namespace. */
  folderOf(threadId: string, ns = ''): string {
    const thread = join(this.root, folderNameOf(threadId));
    return ns === '' ? thread : join(thread, `ns~${folderNameOf(ns)}`);
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id as string | undefined;
    if (threadId === undefined || threadId === null) return undefined;
    const ns = (config.configurable?.checkpoint_ns as string | undefined) ?? '';
    const requested = getCheckpointId(config);
    if (requested) {
      const slot = await this.load(threadId, ns, requested);
      return slot ? this.toTuple(slot.data) : undefined;
    }
    for (const id of await this.idsNewestFirst(threadId, ns)) {
      const slot = await this.loadOrSetAside(threadId, ns, id);
      if (slot) return this.toTuple(slot.data);
    }
    return undefined;
  }

  list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    return listCheckpoints<Slot>(
      {
        threadIds: () => this.threadIds(),
        namespaces: (thread) => this.namespaces(thread),
        idsNewestFirst: (thread, ns) => this.idsNewestFirst(thread, ns),
        item: (thread, ns, id) => this.loadOrSetAside(thread, ns, id),
        metadataOf: async (slot) => (await this.decode(slot.data.metadata)) as Record<string, unknown>,
        tupleOf: (slot) => this.toTuple(slot.data),
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
    const parentId = config.configurable?.checkpoint_id as string | undefined;
    const { channel_values: channelValues, ...rest } = checkpoint;
    const changed = Object.keys(newVersions ?? {});
    const values: Record<string, SerializedValue> = {};
    for (const channel of changed) {
      if (channelValues && Object.prototype.hasOwnProperty.call(channelValues, channel) && channelValues[channel] !== undefined) {
        values[channel] = await this.encode(channelValues[channel]);
      }
    }
    // Unchanged channels are copied from the parent (same version, so the same value): every file
    // stands alone, and deleting old checkpoints never costs a rewrite of the ones kept.
    if (parentId) {
      const parent = await this.loadOrSetAside(threadId, ns, parentId).catch(() => undefined);
      const parentVersions = (parent?.data.checkpoint.channel_versions ?? {}) as ChannelVersions;
      for (const [channel, version] of Object.entries(checkpoint.channel_versions ?? {})) {
        if (channel in values || changed.includes(channel) || parentVersions[channel] !== version) continue;
        const carried = parent?.data.values[channel];
        if (carried) values[channel] = carried;
      }
    }
    const data: CheckpointFile = {
      format: CHECKPOINT_FILE_FORMAT,
      threadId,
      ns,
      id: checkpoint.id,
      ...(parentId ? { parentId } : {}),
      checkpoint: JSON.parse(JSON.stringify(rest)) as Record<string, unknown>,
      changed,
      values,
      metadata: await this.encode(metadata),
      writes: [],
    };
    const slot = this.slotFor(threadId, ns, checkpoint.id, data);
    slot.owned = true;
    await this.persist(slot);
    await this.prune(threadId, ns);
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id } };
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    const threadId = config.configurable?.thread_id as string | undefined;
    const checkpointId = config.configurable?.checkpoint_id as string | undefined;
    if (threadId === undefined || threadId === null) {
      throw new OrchError('invalid_input', 'Cannot store writes: the config has no "thread_id" in "configurable"');
    }
    if (!checkpointId) throw new OrchError('invalid_input', 'Cannot store writes: the config has no "checkpoint_id" in "configurable"');
    const ns = (config.configurable?.checkpoint_ns as string | undefined) ?? '';
    const slot = await this.load(threadId, ns, checkpointId);
    if (!slot) {
      throw new OrchError('not_found', `Cannot store writes of task ${taskId}: checkpoint ${checkpointId} of ${threadId} does not exist`);
    }
    const existing = new Set(slot.data.writes.map((w) => `${w.taskId}\u0000${w.idx}`));
    let touched = false;
    for (const [index, [channel, value]] of writes.entries()) {
      const idx = WRITES_IDX_MAP[channel] ?? index;
      const key = `${taskId}\u0000${idx}`;
      // Regular writes are stored once (a task re-run after a crash must not add them again);
      // special ones (errors, interrupts, resume values) replace the previous one.
      if (idx >= 0 && existing.has(key)) continue;
      const stored = { taskId, idx, channel, taskPath: taskPath ?? '', value: await this.encode(value) };
      const at = slot.data.writes.findIndex((w) => w.taskId === taskId && w.idx === idx);
      if (at >= 0) slot.data.writes[at] = stored;
      else slot.data.writes.push(stored);
      existing.add(key);
      touched = true;
    }
    if (touched) {
      slot.owned = true;
      await this.persist(slot);
    }
  }

  async deleteThread(threadId: string): Promise<void> {
    const folder = this.folderOf(threadId);
    for (const [key, slot] of this.slots) if (slot.file.startsWith(`${folder}/`)) this.slots.delete(key);
    await rm(folder, { recursive: true, force: true });
  }

  /** Waits for writes in flight (before a process stops). */
  async flush(): Promise<void> {
    await Promise.all([...this.slots.values()].map((slot) => slot.writer.idle()));
    await Promise.all([...this.pruning.values()]);
  }

  /** Checkpoint ids of a thread, newest first (ids are time-ordered uuid6). */
  async idsNewestFirst(threadId: string, ns = ''): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.folderOf(threadId, ns));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw error;
    }
    const ids: string[] = [];
    for (const name of names) {
      const match = CHECKPOINT_FILE.exec(name);
      if (match && !name.startsWith('.')) ids.push(match[1]!);
    }
    return ids.sort().reverse();
  }

  private async threadIds(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch {
      return [];
    }
    return names.filter((n) => !n.startsWith('.')).map(threadIdOfFolder);
  }

  private async namespaces(threadId: string): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.folderOf(threadId));
    } catch {
      return [];
    }
    return ['', ...names.filter((n) => n.startsWith('ns~')).map((n) => threadIdOfFolder(n.slice(3)))];
  }

  /** Writes a slot; after a failure the memory copy is dropped, so the file on disk is the truth again. */
  private async persist(slot: Slot): Promise<void> {
    try {
      await slot.writer.request();
    } catch (error) {
      if (this.slots.get(slot.file) === slot) this.slots.delete(slot.file);
      throw error;
    }
  }

  private fileOf(threadId: string, ns: string, id: string): string {
    return join(this.folderOf(threadId, ns), `${id}.json`);
  }

  private slotFor(threadId: string, ns: string, id: string, data: CheckpointFile): Slot {
    const file = this.fileOf(threadId, ns, id);
    const slot: Slot = {
      file,
      data,
      owned: false,
      writer: new CoalescingWriter(() => writeFileAtomic(file, toStoredJson(slot.data))),
    };
    this.slots.set(file, slot);
    return slot;
  }

  /** The checkpoint, from memory when this process holds the current version of its file. */
  private async load(threadId: string, ns: string, id: string): Promise<Slot | undefined> {
    const file = this.fileOf(threadId, ns, id);
    const cached = this.slots.get(file);
    if (cached?.owned) return cached;
    const stamp = await stampOf(file);
    if (cached && stamp === cached.stamp) return cached;
    if (stamp === undefined) {
      this.slots.delete(file);
      return undefined;
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new OrchError('internal', `Could not read checkpoint ${file}: ${(error as Error).message}`, { file });
    }
    let data: CheckpointFile;
    try {
      data = CheckpointFileSchema.parse(JSON.parse(text));
    } catch (error) {
      throw new CorruptCheckpointError(file, error instanceof SyntaxError ? `not valid JSON (${error.message})` : 'not an Orch checkpoint file');
    }
    const slot = this.slotFor(threadId, ns, id, data);
    slot.stamp = stamp;
    return slot;
  }

  private async loadOrSetAside(threadId: string, ns: string, id: string): Promise<Slot | undefined> {
    try {
      return await this.load(threadId, ns, id);
    } catch (error) {
      if (!(error instanceof CorruptCheckpointError)) throw error;
      const movedTo = `${error.file}.corrupt`;
      await rename(error.file, movedTo).catch(() => undefined);
      this.slots.delete(error.file);
      this.options.onCorrupt?.({ threadId, checkpointId: id, file: error.file, movedTo, reason: error.reason });
      return undefined;
    }
  }

  private async toTuple(data: CheckpointFile): Promise<CheckpointTuple> {
    const { threadId, ns, id, parentId } = data;
    // A deep copy: LangGraph updates the checkpoint it loaded in place (versions_seen) while it runs,
    // and the copy this saver keeps in memory must stay what was stored.
    const checkpoint = { ...(structuredClone(data.checkpoint) as unknown as Omit<Checkpoint, 'channel_values'>), channel_values: await this.channelValuesOf(data) } as Checkpoint;
    if (checkpoint.v < 4 && parentId !== undefined) await this.migratePendingSends(checkpoint, threadId, ns, parentId);
    const ordered = [...data.writes].sort((a, b) =>
      compareWritesSortKeys(writesSortKey(a.taskPath, a.taskId, a.idx), writesSortKey(b.taskPath, b.taskId, b.idx)),
    );
    const pendingWrites: CheckpointPendingWrite[] = [];
    for (const w of ordered) pendingWrites.push([w.taskId, w.channel, await this.decode(w.value)]);
    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: id } },
      checkpoint,
      metadata: (await this.decode(data.metadata)) as CheckpointMetadata,
      pendingWrites,
    };
    if (parentId !== undefined) tuple.parentConfig = { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: parentId } };
    return tuple;
  }

  /** Every channel value of a checkpoint: its own, then each unchanged one from the ancestor that wrote it. */
  private async channelValuesOf(data: CheckpointFile): Promise<Record<string, unknown>> {
    const values: Record<string, unknown> = {};
    const versions = (data.checkpoint.channel_versions ?? {}) as ChannelVersions;
    const missing = new Set<string>();
    for (const channel of Object.keys(versions)) {
      if (data.values[channel]) values[channel] = await this.decode(data.values[channel]);
      else if (!data.changed.includes(channel)) missing.add(channel);
    }
    let parentId = data.parentId;
    while (missing.size > 0 && parentId) {
      const parent = await this.load(data.threadId, data.ns, parentId);
      if (!parent) break;
      const parentVersions = (parent.data.checkpoint.channel_versions ?? {}) as ChannelVersions;
      for (const channel of [...missing]) {
        if (parentVersions[channel] !== versions[channel]) {
          missing.delete(channel); // written by a checkpoint that is gone: the channel is empty
        } else if (parent.data.values[channel] || parent.data.changed.includes(channel)) {
          if (parent.data.values[channel]) values[channel] = await this.decode(parent.data.values[channel]);
          missing.delete(channel);
        }
      }
      parentId = parent.data.parentId;
    }
    return values;
  }

  private async migratePendingSends(checkpoint: Checkpoint, threadId: string, ns: string, parentId: string): Promise<void> {
    const parent = await this.load(threadId, ns, parentId);
    const sends: unknown[] = [];
    for (const w of parent?.data.writes ?? []) if (w.channel === TASKS) sends.push(await this.decode(w.value));
    withPendingSends(checkpoint, sends, () => this.getNextVersion(undefined));
  }

  /** Keeps the newest `keep` checkpoints; the oldest kept ones stop depending on deleted ones first. */
  private prune(threadId: string, ns: string): Promise<void> {
    const key = `${threadId}\u0000${ns}`;
    const previous = this.pruning.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      const ids = await this.idsNewestFirst(threadId, ns);
      if (ids.length <= this.keep) return;
      const doomed = new Set(ids.slice(this.keep));
      for (const id of ids.slice(0, this.keep)) {
        const slot = await this.loadOrSetAside(threadId, ns, id);
        if (!slot || !slot.data.parentId || !doomed.has(slot.data.parentId) || standsAlone(slot.data)) continue;
        await this.materialize(slot);
      }
      for (const id of doomed) {
        const file = this.fileOf(threadId, ns, id);
        this.slots.delete(file);
        await rm(file, { force: true });
      }
    });
    this.pruning.set(key, next.catch(() => undefined));
    return next;
  }

  /** Stores every channel value in the checkpoint itself, so its ancestors may be deleted. */
  private async materialize(slot: Slot): Promise<void> {
    const values = await this.channelValuesOf(slot.data);
    const encoded: Record<string, SerializedValue> = {};
    for (const [channel, value] of Object.entries(values)) encoded[channel] = await this.encode(value);
    slot.data.values = encoded;
    slot.data.changed = Object.keys((slot.data.checkpoint.channel_versions ?? {}) as ChannelVersions);
    slot.owned = true;
    await this.persist(slot);
  }

  private async encode(value: unknown): Promise<SerializedValue> {
    const [type, bytes] = await this.serde.dumpsTyped(value);
    if (type === 'json') return { type: 'json', json: JSON.parse(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes)) };
    return { type, base64: Buffer.from(bytes).toString('base64') };
  }

  private async decode(value: SerializedValue): Promise<unknown> {
    if ('json' in value) return this.serde.loadsTyped('json', JSON.stringify(value.json));
    return this.serde.loadsTyped(value.type, new Uint8Array(Buffer.from((value as { base64: string }).base64, 'base64')));
  }
}

/** Every channel of the checkpoint is stored in it (or known to be empty): no ancestor is needed. */
function standsAlone(data: CheckpointFile): boolean {
  return Object.keys((data.checkpoint.channel_versions ?? {}) as ChannelVersions).every((channel) => data.values[channel] !== undefined || data.changed.includes(channel));
}

class CorruptCheckpointError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`Checkpoint ${file} is corrupt: ${reason}`);
  }
}

async function stampOf(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    return `${info.mtimeMs}:${info.size}`;
  } catch {
    return undefined;
  }
}

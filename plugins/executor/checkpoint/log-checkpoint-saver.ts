import { existsSync, mkdirSync } from 'node:fs';
import { appendFile, mkdir, open, readdir, readFile, rm, stat, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
import { OrchError, replaceAtomically, writeFileAtomicSync } from '../../../kernel/index.js';
import { inListingOrder, listCheckpoints, withPendingSends } from './checkpoint-listing.js';
import type { SerializedValue } from './checkpoint-file.js';
import {
  applyPatchInPlace,
  CHECKPOINT_LOG_FILE,
  CHECKPOINT_LOG_FORMAT,
  diffObjects,
  endOfLines,
  encodeLine,
  encodePatchLine,
  isPlainObject,
  jsonEqual,
  parseLog,
  type CheckpointDoc,
  type LogLine,
  type ParsedLog,
  type Patch,
  type StoredLogWrite,
} from './checkpoint-log-format.js';
import { folderNameOf, threadIdOfFolder } from './folder-names.js';
import { GroupCommitLog, writeFailed, type LogStats } from './group-commit-log.js';
import { readLegacyCheckpoints } from './legacy-checkpoints.js';
import { storeWrite } from './stored-writes.js';

export type { LogStats } from './group-commit-log.js';

export interface LogCheckpointSaverOptions {
  /** Checkpoints kept (visible) per run and namespace. */
  keep?: number;
  /** Told about a damaged end of a log (or a corrupt legacy file): the checkpoint before it is used. */
  onCorrupt?: (event: CorruptCheckpoint) => void;
  serde?: SerializerProtocol;
  /** Counts fsyncs and bytes written (benchmark, tests). */
  stats?: LogStats;
  /** The log is compacted when it exceeds twice its live part plus this many bytes. */
  compactSlackBytes?: number;
  /**
   * When a checkpoint reaches the disk: `step` (the default) — its `put` resolves once its line is
   * fsynced, so each step is on disk before the next starts; `interval` — its `put` resolves once
   * the line is written to the file, and the log is fsynced at most `syncIntervalMs` later (one
   * fsync for every line written meanwhile). Interrupts and errors are fsynced at once either way.
   */
  sync?: 'step' | 'interval';
  /** With `sync: 'interval'`: the longest a written line waits for its fsync (default 100 ms). */
  syncIntervalMs?: number;
}

export interface CorruptCheckpoint {
  threadId: string;
  checkpointId: string;
  file: string;
  movedTo: string;
  reason: string;
}

/** One checkpoint as the log holds it. */
interface Entry {
  ns: string;
  id: string;
  parent?: string;
  /** The line's form: the whole document, or a patch of `base`'s. */
  full?: CheckpointDoc;
  base?: string;
  d?: Patch;
  writes: StoredLogWrite[];
}

/** One run's log, in memory. */
interface ThreadLog {
  threadId: string;
  file: string;
  entries: Map<string, Entry>;
  /** Checkpoint ids per namespace, oldest first (uuid6 ids sort by time). */
  ids: Map<string, string[]>;
  /** Per namespace, the newest checkpoint this process stored and its document, patched in place. */
  heads: Map<string, { id: string; doc: CheckpointDoc }>;
  /** Per namespace and map channel, the live object last stored and its version. */
  live: Map<string, { version: unknown; value: Record<string, unknown> }>;
  /** Appends; created when this process first writes. */
  log?: GroupCommitLog;
  /** A new run's, known to have nothing on disk yet (`beginThread`): read without looking. */
  fresh?: boolean;
  /** inode:mtime:size of the file as loaded (another process may append meanwhile). */
  stamp?: string;
  /**
   * The bytes from the end of the valid lines to the first byte of reserved room, as loaded: lines
   * another process writes over the room change neither the size nor, within the clock's coarse
   * tick, the time — but they change these bytes.
   */
  probe?: { offset: number; bytes: Buffer };
  size: number;
  /** A damaged end found when loading, set aside before this process appends. */
  badTail?: ParsedLog['badTail'] & { warned: boolean };
  /** Size of the log right after its last compaction (its live part then). */
  compactedSize: number;
  putsSinceCompaction: number;
  /** Last time a call used it. */
  usedAt: number;
}

const DEFAULT_KEEP = 20;
const DEFAULT_SYNC_INTERVAL_MS = 100;
const DEFAULT_SLACK = 128 * 1024;
/** Room reserved ahead of the lines at least, when a step outgrows what compaction reserved. */
const GROW_BY = 64 * 1024;
/** Compaction also happens after this many checkpoints, so rebuilding one never reads more lines. */
const MAX_PUTS_BETWEEN_COMPACTIONS = 1000;
/** Patch depth: document → values → channel → json → member (one node's output). */
const PATCH_DEPTH = 4;
/** Runs held in memory at most (a server runs many); the least recently used idle ones are let go. */
const THREADS_HELD = 64;
/** …and only once unused this long, so no call in progress ever sees its run let go. */
const IDLE_BEFORE_RELEASE_MS = 60_000;
/** A damaged tail without a newline younger than this may be a write in progress by another process. */
const FRESH_TAIL_MS = 5_000;

const key = (ns: string, id: string) => `${ns}\u0000${id}`;

/**
 * LangGraph's checkpoint saver on one append-only log per run: `<root>/<runId>/checkpoints.jsonl`.
 * A `put` appends one line holding only what changed since its parent (channel values, versions,
 * versions seen — and inside a map channel such as `nodes`, only the members that changed), a
 * `putWrites` one line with the task's writes. Lines carry a checksum: a torn or damaged end of the
 * log is ignored (the checkpoint before it is used, with a warning) and set aside before the next
 * append. The newest `keep` checkpoints per namespace are visible; the file is compacted (rewritten
 * atomically with the kept ones only, the oldest whole) once it holds more than twice its live
 * part, so its size and the work of rebuilding a checkpoint stay bounded and bytes written per step
 * do not grow with the run.
 *
 * The file is kept longer than its lines, the room after them filled with newlines and reserved
 * up to the next compaction (`roomFor`), so a step's fdatasync has no metadata to commit
 * (`group-commit-log.ts`); readers take the run of newlines at the end for room.
 *
 * Durability (group commit): a `put` resolves once its line is fsynced (`sync: 'step'`, the
 * default), or once it is written, the log being fsynced at most `syncIntervalMs` later
 * (`sync: 'interval'`, the executor's default); lines waiting together share one fsync. A
 * `putWrites` of ordinary outputs resolves once its line is written to the file (it survives a
 * crash of the process at once, and reaches the disk with the next fsync); interrupts and errors
 * are fsynced before resolving. Any failed write rejects with
 * `write_failed`. Runs stored by the earlier one-file-per-checkpoint saver are migrated on first open.
 */
export class LogCheckpointSaver extends BaseCheckpointSaver {
  private readonly keep: number;
  private readonly slack: number;
  /** Each step's checkpoint is fsynced before its `put` resolves (else within `syncIntervalMs`). */
  private readonly syncEachStep: boolean;
  private readonly syncIntervalMs: number;
  private readonly threads = new Map<string, ThreadLog>();
  private readonly loading = new Map<string, Promise<ThreadLog>>();
  /**
   * Puts whose line is not queued yet, by thread, namespace and checkpoint id: LangGraph stores a
   * step's writes for the new checkpoint while its `put` is still on the way, and those writes must
   * follow the checkpoint's line.
   */
  private readonly puts = new Map<string, Promise<void>>();

  /** The serializer is LangGraph's own (JsonPlusSerializer): plain JSON data can skip it (`encode`). */
  private readonly defaultSerde: boolean;

  constructor(
    readonly root: string,
    private readonly options: LogCheckpointSaverOptions = {},
  ) {
    super(options.serde);
    this.defaultSerde = options.serde === undefined;
    this.keep = Math.max(1, options.keep ?? DEFAULT_KEEP);
    this.slack = options.compactSlackBytes ?? DEFAULT_SLACK;
    this.syncEachStep = (options.sync ?? 'step') === 'step';
    this.syncIntervalMs = options.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS;
  }

  /** The folder of one run's log. */
  folderOf(threadId: string): string {
    return join(this.root, folderNameOf(threadId));
  }

  /** The log file of one run. */
  fileOf(threadId: string): string {
    return join(this.folderOf(threadId), CHECKPOINT_LOG_FILE);
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id as string | undefined;
    if (threadId === undefined || threadId === null) return undefined;
    const ns = (config.configurable?.checkpoint_ns as string | undefined) ?? '';
    const thread = await this.thread(threadId);
    const kept = this.keptIds(thread, ns);
    const requested = getCheckpointId(config);
    const id = requested ? (kept.includes(requested) ? requested : undefined) : kept.at(-1);
    const entry = id === undefined ? undefined : thread.entries.get(key(ns, id));
    return entry ? this.toTuple(thread, entry) : undefined;
  }

  list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    // A run's log is read once per run listed; its entries are looked up in it.
    const logs = new Map<string, ThreadLog>();
    const logOf = async (threadId: string): Promise<ThreadLog> => {
      let thread = logs.get(threadId);
      if (!thread) logs.set(threadId, (thread = await this.thread(threadId)));
      return thread;
    };
    return listCheckpoints<{ thread: ThreadLog; entry: Entry }>(
      {
        threadIds: () => this.threadIds(),
        namespaces: async (threadId) => inListingOrder((await logOf(threadId)).ids.keys()),
        idsNewestFirst: async (threadId, ns) => [...this.keptIds(await logOf(threadId), ns)].reverse(),
        item: async (threadId, ns, id) => {
          const thread = await logOf(threadId);
          const entry = thread.entries.get(key(ns, id));
          return entry ? { thread, entry } : undefined;
        },
        metadataOf: async ({ thread, entry }) => (await this.decode(this.docOf(thread, entry).metadata)) as Record<string, unknown>,
        tupleOf: ({ thread, entry }) => this.toTuple(thread, entry),
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
    const parentId = (config.configurable?.checkpoint_id as string | undefined) || undefined;
    const putKey = `${threadId}\u0000${key(ns, checkpoint.id)}`;
    let queued!: () => void;
    const lineQueued = new Promise<void>((resolve) => (queued = resolve));
    this.puts.set(putKey, lineQueued);
    try {
      return await this.store(threadId, ns, parentId, checkpoint, metadata, new Set(Object.keys(newVersions ?? {})), queued);
    } finally {
      queued();
      if (this.puts.get(putKey) === lineQueued) this.puts.delete(putKey);
    }
  }

  private async store(
    threadId: string,
    ns: string,
    parentId: string | undefined,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    changed: Set<string>,
    queued: () => void,
  ): Promise<RunnableConfig> {
    const { channel_values: channelValues = {}, ...rest } = checkpoint;
    const present = Object.keys(channelValues).filter((channel) => channelValues[channel] !== undefined);
    const thread = await this.threadForWrite(threadId);

    // Values are serialised first (asynchronously); the entry is then added and its line queued in
    // one synchronous stretch, so entries and lines keep the same order.
    const metadataValue = await this.encode(metadata);
    const versions = (checkpoint.channel_versions ?? {}) as ChannelVersions;

    // The usual step: the parent is the newest checkpoint this process wrote, whose document it
    // holds: the patch is computed against it directly, member by member in map channels.
    const head = thread.heads.get(ns);
    if (head && parentId && head.id === parentId && thread.entries.has(key(ns, parentId))) {
      const valuesPatch = await this.valuesPatch(thread, ns, head.doc, channelValues, versions, changed, present);
      if (this.threads.get(threadId) === thread && thread.heads.get(ns) === head && head.id === parentId) {
        const patch: Patch = {};
        const checkpointPatch = diffObjects(head.doc.checkpoint, rest as unknown as Record<string, unknown>, 2);
        if (checkpointPatch || valuesPatch) patch.p = { ...(checkpointPatch ? { checkpoint: checkpointPatch } : {}), ...(valuesPatch ? { values: valuesPatch } : {}) };
        if (!jsonEqual(head.doc.metadata, metadataValue)) patch.s = { metadata: metadataValue };
        // Serialised once: the line is made from the text, the entry and the head each take a copy of their own.
        const patchText = JSON.stringify(patch);
        const entry: Entry = { ns, id: checkpoint.id, parent: parentId, base: parentId, d: JSON.parse(patchText) as Patch, writes: [] };
        this.index(thread, entry);
        thread.putsSinceCompaction++;
        applyPatchInPlace(head.doc as unknown as Record<string, unknown>, JSON.parse(patchText) as Patch, false);
        head.id = checkpoint.id;
        this.rememberLive(thread, ns, channelValues, versions, changed);
        const written = this.appendTo(thread, encodePatchLine(ns, checkpoint.id, parentId, parentId, patchText), this.syncEachStep);
        queued();
        await written;
        return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id } };
      }
    }

    // Any other put (the first of a process, a fork): the whole document, patched against the
    // parent's when the log holds it.
    const encoded = new Map<string, SerializedValue>();
    // Values of the channels that changed (newVersions); the others are the parent's, when it holds
    // the same version of them (as LangGraph's savers do, a value is stored per version).
    for (const channel of present) if (changed.has(channel)) encoded.set(channel, await this.encode(channelValues[channel]));
    if (this.threads.get(threadId) !== thread) throw new OrchError('conflict', `Run ${threadId}'s checkpoints were deleted or reloaded while a checkpoint was being stored`);
    const parentDoc = this.parentDocOf(thread, ns, parentId);
    const values: Record<string, SerializedValue> = {};
    const parentVersions = (parentDoc?.checkpoint.channel_versions ?? {}) as ChannelVersions;
    for (const channel of present) {
      const value = encoded.get(channel) ?? (parentVersions[channel] === versions[channel] ? parentDoc?.values[channel] : undefined);
      if (value !== undefined) values[channel] = value;
    }
    const doc: CheckpointDoc = { checkpoint: rest as unknown as Record<string, unknown>, values, metadata: metadataValue };
    const entry = this.addCheckpoint(thread, ns, checkpoint.id, parentId, doc, parentDoc ? parentId : undefined, parentDoc);
    // This checkpoint becomes the document later steps are patched against (a copy of its own).
    thread.heads.set(ns, { id: checkpoint.id, doc: JSON.parse(JSON.stringify(doc)) as CheckpointDoc });
    this.rememberLive(thread, ns, channelValues, versions, changed);
    const written = this.appendTo(thread, this.lineOf(entry), this.syncEachStep);
    queued();
    await written;
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
    await this.puts.get(`${threadId}\u0000${key(ns, checkpointId)}`);
    const thread = await this.threadForWrite(threadId);
    const encoded: StoredLogWrite[] = [];
    for (const [index, [channel, value]] of writes.entries()) {
      encoded.push({ task: taskId, idx: WRITES_IDX_MAP[channel] ?? index, ch: channel, path: taskPath ?? '', v: await this.encode(value, true) });
    }
    if (this.threads.get(threadId) !== thread) throw new OrchError('conflict', `Run ${threadId}'s checkpoints were deleted or reloaded while writes were being stored`);
    const entry = thread.entries.get(key(ns, checkpointId));
    if (!entry) {
      throw new OrchError('not_found', `Cannot store writes of task ${taskId}: checkpoint ${checkpointId} of ${threadId} does not exist`);
    }
    const applied = applyWrites(entry, encoded);
    if (applied.length === 0) return;
    // Interrupts and errors pause or stop the run: they reach the disk before the call returns.
    const sync = applied.some((w) => w.idx < 0);
    await this.appendTo(thread, encodeLine({ t: 'w', ns, cp: checkpointId, w: applied }), sync);
  }

  async deleteThread(threadId: string): Promise<void> {
    const thread = this.threads.get(threadId);
    this.threads.delete(threadId);
    await thread?.log?.idle();
    await rm(this.folderOf(threadId), { recursive: true, force: true });
  }

  /**
   * A run starts now under `threadId`: when nothing of it is on disk (no folder), the saver knows
   * its log is empty and reads nothing before the first checkpoint — for a short run, the file
   * look-ups of an empty log (each a thread-pool round trip) cost more than its steps.
   */
  beginThread(threadId: string): void {
    if (this.threads.has(threadId) || this.loading.has(threadId) || existsSync(this.folderOf(threadId))) return;
    const file = this.fileOf(threadId);
    this.threads.set(threadId, { threadId, file, entries: new Map(), ids: new Map(), heads: new Map(), live: new Map(), size: 0, compactedSize: 0, putsSinceCompaction: 0, usedAt: Date.now(), fresh: true });
    this.release(threadId);
  }

  /** Brings every line of one run written so far to the disk (a run stops driving: ends or pauses). */
  async sync(threadId: string): Promise<void> {
    const log = this.threads.get(threadId)?.log;
    if (log && !log.failed) await log.sync();
  }

  /**
   * A run stopped executing here (it ended, or waits on disk to be resumed): once its lines are on
   * disk, its log is let go from memory, and whatever reads it next loads it from the file. A server
   * runs run after run; each held log keeps its checkpoints' patches and its newest document, which
   * otherwise stayed until 64 runs were held and a minute had passed (the heap grew by ~300 KB per
   * 100-node run, and every garbage collection walked it).
   */
  async letGo(threadId: string): Promise<void> {
    const thread = this.threads.get(threadId);
    if (!thread) return;
    if (thread.log && !thread.log.failed) await thread.log.sync().catch(() => undefined);
    // Written to again meanwhile (resumed at once): it stays.
    if (this.threads.get(threadId) === thread && !thread.log?.busy) this.threads.delete(threadId);
  }

  /** Waits for writes in flight and brings every written line to the disk (before a process stops). */
  async flush(): Promise<void> {
    await Promise.all(
      [...this.threads.values()].map(async (thread) => {
        if (!thread.log || thread.log.failed) return;
        await thread.log.sync().catch(() => undefined);
      }),
    );
  }

  /** Checkpoint ids of a run (kept ones), newest first. */
  async idsNewestFirst(threadId: string, ns = ''): Promise<string[]> {
    return [...this.keptIds(await this.thread(threadId), ns)].reverse();
  }

  // ---- the in-memory view of a log ----

  private keptIds(thread: ThreadLog, ns: string): string[] {
    const ids = thread.ids.get(ns) ?? [];
    return ids.length <= this.keep ? ids : ids.slice(ids.length - this.keep);
  }

  private parentDocOf(thread: ThreadLog, ns: string, parentId: string | undefined): CheckpointDoc | undefined {
    if (!parentId) return undefined;
    const parent = thread.entries.get(key(ns, parentId));
    return parent ? this.docOf(thread, parent) : undefined;
  }

  /** Adds a checkpoint to the view: as a patch of its parent's document when the parent is known. */
  private addCheckpoint(
    thread: ThreadLog,
    ns: string,
    id: string,
    parentId: string | undefined,
    doc: CheckpointDoc,
    baseId: string | undefined,
    baseDoc: CheckpointDoc | undefined,
  ): Entry {
    const entry: Entry = { ns, id, writes: [], ...(parentId ? { parent: parentId } : {}) };
    // Only copies are kept (the patch, or the first document whole): the caller may change its objects.
    if (baseId && baseDoc) {
      const patch = diffObjects(baseDoc as unknown as Record<string, unknown>, doc as unknown as Record<string, unknown>, PATCH_DEPTH) ?? {};
      entry.base = baseId;
      entry.d = JSON.parse(JSON.stringify(patch)) as Patch;
    } else {
      entry.full = JSON.parse(JSON.stringify(doc)) as CheckpointDoc;
    }
    this.index(thread, entry);
    thread.putsSinceCompaction++;
    return entry;
  }

  private index(thread: ThreadLog, entry: Entry): void {
    const k = key(entry.ns, entry.id);
    let ids = thread.ids.get(entry.ns);
    if (!ids) thread.ids.set(entry.ns, (ids = []));
    if (!thread.entries.has(k)) {
      if (ids.length === 0 || ids[ids.length - 1]! < entry.id) ids.push(entry.id);
      else {
        ids.push(entry.id);
        ids.sort();
      }
    }
    thread.entries.set(k, entry);
  }

  /**
   * The whole document of a checkpoint: the one this process patches in place for the newest (not
   * to be kept by the caller across an await), else rebuilt from the nearest whole one along its bases.
   */
  private docOf(thread: ThreadLog, entry: Entry): CheckpointDoc {
    const head = thread.heads.get(entry.ns);
    if (head && head.id === entry.id) return head.doc;
    if (entry.full) return entry.full;
    const chain: Entry[] = [];
    let current: Entry | undefined = entry;
    let doc: CheckpointDoc | undefined;
    while (current) {
      if (current.full) {
        doc = current.full;
        break;
      }
      chain.push(current);
      if (chain.length > thread.entries.size) throw new OrchError('internal', `Checkpoint log ${thread.file} has a cycle of bases`);
      current = current.base ? thread.entries.get(key(current.ns, current.base)) : undefined;
    }
    if (!doc) throw new OrchError('internal', `Checkpoint ${entry.id} of ${thread.threadId} cannot be rebuilt: its base is missing from ${thread.file}`);
    // One copy of the whole document, then every patch applied to it in place.
    const rebuilt = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
    for (let i = chain.length - 1; i >= 0; i--) applyPatchInPlace(rebuilt, chain[i]!.d ?? {});
    return rebuilt as unknown as CheckpointDoc;
  }

  /**
   * The patch of the `values` of the head document for a step: unchanged channels cost nothing; in a
   * map channel whose previous value this process holds (the executor's `nodes`), only the members
   * that are new objects are serialised and compared — state is never changed in place in LangGraph,
   * a reducer builds a new map around the same members.
   */
  private async valuesPatch(
    thread: ThreadLog,
    ns: string,
    headDoc: CheckpointDoc,
    channelValues: Record<string, unknown>,
    versions: ChannelVersions,
    changed: Set<string>,
    present: string[],
  ): Promise<Patch | undefined> {
    const headValues = headDoc.values;
    const headVersions = (headDoc.checkpoint.channel_versions ?? {}) as ChannelVersions;
    const s: Record<string, unknown> = {};
    const p: Record<string, Patch> = {};
    const x: string[] = [];
    const now = new Set(present);
    for (const channel of present) {
      const before = headValues[channel];
      if (!changed.has(channel)) {
        // Same version as the parent's: the same value; another version not stored here: no value.
        if (before && headVersions[channel] !== versions[channel]) x.push(channel);
        continue;
      }
      const value = channelValues[channel];
      const live = thread.live.get(key(ns, channel));
      if (before && 'json' in before && isPlainObject(before.json) && isPlainObject(value) && live && live.version === headVersions[channel]) {
        const members = await this.membersPatch(live.value, value, before.json);
        if (members !== 'whole') {
          if (members) p[channel] = { p: { json: members } };
          continue;
        }
      }
      const encoded = await this.encode(value);
      if (before && 'json' in before && 'json' in encoded && isPlainObject(before.json) && isPlainObject(encoded.json)) {
        const members = diffObjects(before.json, encoded.json, 1);
        if (members) p[channel] = { p: { json: members } };
      } else if (!before || !jsonEqual(before, encoded)) s[channel] = encoded;
    }
    for (const channel of Object.keys(headValues)) if (!now.has(channel)) x.push(channel);
    if (x.length === 0 && Object.keys(s).length === 0 && Object.keys(p).length === 0) return undefined;
    return { ...(Object.keys(s).length ? { s } : {}), ...(x.length ? { x } : {}), ...(Object.keys(p).length ? { p } : {}) };
  }

  /** Members of a map channel that are not the same objects as before, serialised; `whole` if one is not JSON. */
  private async membersPatch(previous: Record<string, unknown>, next: Record<string, unknown>, stored: Record<string, unknown>): Promise<Patch | 'whole' | undefined> {
    let s: Record<string, unknown> | undefined;
    let x: string[] | undefined;
    const members = Object.keys(next);
    let same = 0;
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      const value = next[member];
      if (value === undefined) continue;
      // The same object as at the previous step (whose version the head holds): stored already.
      if (previous[member] === value) {
        same++;
        continue;
      }
      const encoded = await this.encode(value);
      if (!('json' in encoded)) return 'whole';
      if (!jsonEqual(stored[member], encoded.json)) (s ??= {})[member] = encoded.json;
    }
    const storedMembers = Object.keys(stored);
    if (storedMembers.length !== same + (s ? Object.keys(s).length : 0)) {
      for (const member of storedMembers) if (next[member] === undefined) (x ??= []).push(member);
    }
    if (!s && !x) return undefined;
    return { ...(s ? { s } : {}), ...(x ? { x } : {}) };
  }

  /** Keeps the live objects of the map channels stored at this step (for `membersPatch` next time). */
  private rememberLive(thread: ThreadLog, ns: string, channelValues: Record<string, unknown>, versions: ChannelVersions, changed: Set<string>): void {
    for (const channel of changed) {
      const value = channelValues[channel];
      if (isPlainObject(value)) thread.live.set(key(ns, channel), { version: versions[channel], value });
      else thread.live.delete(key(ns, channel));
    }
  }

  private lineOf(entry: Entry): string {
    return entry.full
      ? encodeLine({ t: 'cp', ns: entry.ns, id: entry.id, ...(entry.parent ? { parent: entry.parent } : {}), full: entry.full })
      : encodePatchLine(entry.ns, entry.id, entry.parent, entry.base!, JSON.stringify(entry.d));
  }

  private async toTuple(thread: ThreadLog, entry: Entry): Promise<CheckpointTuple> {
    const doc = this.docOf(thread, entry);
    const channelValues: Record<string, unknown> = {};
    for (const [channel, value] of Object.entries(doc.values)) channelValues[channel] = await this.decode(value);
    // A deep copy: LangGraph updates the checkpoint it loaded in place (versions_seen) while it runs.
    const checkpoint = { ...(structuredClone(doc.checkpoint) as unknown as Omit<Checkpoint, 'channel_values'>), channel_values: channelValues } as Checkpoint;
    if (checkpoint.v < 4 && entry.parent !== undefined) await this.migratePendingSends(thread, checkpoint, entry.ns, entry.parent);
    const ordered = [...entry.writes].sort((a, b) => compareWritesSortKeys(writesSortKey(a.path, a.task, a.idx), writesSortKey(b.path, b.task, b.idx)));
    const pendingWrites: CheckpointPendingWrite[] = [];
    for (const w of ordered) pendingWrites.push([w.task, w.ch, await this.decode(w.v)]);
    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id: thread.threadId, checkpoint_ns: entry.ns, checkpoint_id: entry.id } },
      checkpoint,
      metadata: (await this.decode(doc.metadata)) as CheckpointMetadata,
      pendingWrites,
    };
    if (entry.parent !== undefined) tuple.parentConfig = { configurable: { thread_id: thread.threadId, checkpoint_ns: entry.ns, checkpoint_id: entry.parent } };
    return tuple;
  }

  private async migratePendingSends(thread: ThreadLog, checkpoint: Checkpoint, ns: string, parentId: string): Promise<void> {
    const parent = thread.entries.get(key(ns, parentId));
    const sends: unknown[] = [];
    for (const w of parent?.writes ?? []) if (w.ch === TASKS) sends.push(await this.decode(w.v));
    withPendingSends(checkpoint, sends, () => this.getNextVersion(undefined));
  }

  // ---- the file ----

  /** A run's log as it is on disk now (reloaded when another process changed it). */
  private async thread(threadId: string): Promise<ThreadLog> {
    const known = this.threads.get(threadId);
    if (known) {
      // Most recently used last (for `release`).
      this.threads.delete(threadId);
      this.threads.set(threadId, known);
      known.usedAt = Date.now();
      if (known.log || known.fresh) return known; // this process writes it (or is about to): memory is the truth
      if ((await stampOf(known.file)) === known.stamp && (await probeUnchanged(known))) return known;
      this.threads.delete(threadId);
    }
    return this.load(threadId);
  }

  /** A run's log, ready for this process to append to. */
  private async threadForWrite(threadId: string): Promise<ThreadLog> {
    const thread = await this.thread(threadId);
    if (thread.log && !thread.log.failed) return thread;
    if (thread.log?.failed) {
      // A write failed: what is on disk is the truth again.
      if (this.threads.get(threadId) === thread) this.threads.delete(threadId);
      return this.threadForWrite(threadId);
    }
    const pending = this.loading.get(`w:${threadId}`);
    if (pending) return pending;
    const opening = (async () => {
      if (thread.badTail) await this.setTailAside(thread);
      if (thread.size === 0) {
        // A new log: its head goes out with the first checkpoint (one fsync for both), and the
        // folder is fsynced once after it, so the new file's name is on disk too.
        try {
          // On the calling thread, as the log's writes (a thread-pool round trip costs more).
          mkdirSync(dirname(thread.file), { recursive: true });
        } catch (error) {
          throw writeFailed(thread.file, error);
        }
        thread.log = new GroupCommitLog(thread.file, 0, this.options.stats, { newFile: true, growBy: GROW_BY });
        const head = encodeLine({ t: 'head', format: CHECKPOINT_LOG_FORMAT, thread: threadId });
        thread.size = Buffer.byteLength(head);
        thread.compactedSize = thread.size;
        thread.log.reserve(this.roomFor(thread.size));
        thread.log.append(head, false).catch(() => undefined);
      }
      thread.log ??= new GroupCommitLog(thread.file, thread.size, this.options.stats, { growBy: GROW_BY });
      return thread;
    })().finally(() => this.loading.delete(`w:${threadId}`));
    this.loading.set(`w:${threadId}`, opening);
    return opening;
  }

  /** Queues a line; compacts the log when it has grown past twice its live part. */
  private async appendTo(thread: ThreadLog, line: string, sync: boolean): Promise<void> {
    const log = thread.log!;
    const written = log.append(line, sync);
    if (!sync && !this.syncEachStep) log.syncWithin(this.syncIntervalMs);
    thread.size += Buffer.byteLength(line);
    if (thread.size > 2 * thread.compactedSize + this.slack || thread.putsSinceCompaction >= MAX_PUTS_BETWEEN_COMPACTIONS) this.compact(thread);
    try {
      await written;
    } catch (error) {
      if (this.threads.get(thread.threadId) === thread) this.threads.delete(thread.threadId);
      throw error;
    }
  }

  /**
   * Rewrites the log with the visible checkpoints only (the oldest of each namespace whole, the
   * others as patches) and their writes. The content is taken now, in line order; the file is
   * replaced atomically once the lines queued before it are written.
   */
  private compact(thread: ThreadLog): void {
    const lines: string[] = [encodeLine({ t: 'head', format: CHECKPOINT_LOG_FORMAT, thread: thread.threadId })];
    const entries = new Map<string, Entry>();
    const ids = new Map<string, string[]>();
    for (const ns of thread.ids.keys()) {
      const kept = this.keptIds(thread, ns);
      for (const id of kept) {
        const old = thread.entries.get(key(ns, id))!;
        const entry: Entry = { ns, id, writes: old.writes, ...(old.parent ? { parent: old.parent } : {}) };
        if (old.base && old.d && entries.has(key(ns, old.base))) {
          // Its base is kept: the same patch.
          entry.base = old.base;
          entry.d = old.d;
        } else {
          const doc = this.docOf(thread, old);
          entry.full = old.full ?? (JSON.parse(JSON.stringify(doc)) as CheckpointDoc);
        }
        entries.set(key(ns, id), entry);
        lines.push(this.lineOf(entry));
        if (entry.writes.length > 0) lines.push(encodeLine({ t: 'w', ns, cp: id, w: entry.writes }));
      }
      ids.set(ns, [...kept]);
    }
    const content = lines.join('');
    const bytes = Buffer.byteLength(content);
    thread.entries = entries;
    thread.ids = ids;
    thread.size = bytes;
    thread.compactedSize = bytes;
    thread.putsSinceCompaction = 0;
    const log = thread.log!;
    // Room up to the next compaction is reserved at once, so no step until then grows the file.
    const room = this.roomFor(bytes) - bytes;
    log
      .job(async () => {
        // On the calling thread, as the log's lines: the steps queued behind it wait for no thread-pool round trip.
        writeFileAtomicSync(thread.file, content + '\n'.repeat(room));
        this.count(2, bytes, room);
        return bytes;
      })
      .catch(() => {
        // The old file is intact and holds everything; the next write reloads it.
        if (this.threads.get(thread.threadId) === thread) this.threads.delete(thread.threadId);
      });
  }

  /** Lets go of the least recently used runs beyond `THREADS_HELD` that have nothing in flight (they reload from the file). */
  private release(keep: string): void {
    if (this.threads.size <= THREADS_HELD) return;
    for (const [threadId, thread] of this.threads) {
      if (this.threads.size <= THREADS_HELD) break;
      if (threadId === keep || thread.log?.busy || Date.now() - thread.usedAt < IDLE_BEFORE_RELEASE_MS) continue;
      this.threads.delete(threadId);
    }
  }

  private count(fsyncs: number, bytes: number, padding: number): void {
    if (!this.options.stats) return;
    this.options.stats.fsyncs += fsyncs;
    this.options.stats.bytes += bytes;
    this.options.stats.padding = (this.options.stats.padding ?? 0) + padding;
  }

  /**
   * The file size to reserve for a log of `bytes` of lines: room for what it may grow by before it
   * is compacted (see `appendTo`), plus a little for the step that crosses the line, in whole pages.
   */
  private roomFor(bytes: number): number {
    return Math.ceil((2 * bytes + this.slack + 8192) / 4096) * 4096;
  }

  private load(threadId: string): Promise<ThreadLog> {
    const pending = this.loading.get(threadId);
    if (pending) return pending;
    const loading = this.readThread(threadId)
      .then((thread) => {
        this.threads.set(threadId, thread);
        this.release(threadId);
        return thread;
      })
      .finally(() => this.loading.delete(threadId));
    this.loading.set(threadId, loading);
    return loading;
  }

  private async readThread(threadId: string): Promise<ThreadLog> {
    const file = this.fileOf(threadId);
    const thread: ThreadLog = { threadId, file, entries: new Map(), ids: new Map(), heads: new Map(), live: new Map(), size: 0, compactedSize: 0, putsSinceCompaction: 0, usedAt: Date.now() };
    let buffer: Buffer;
    try {
      const stamp = await stampOf(file);
      buffer = await readFile(file);
      thread.stamp = stamp;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        throw new OrchError('internal', `Could not read checkpoint log ${file}: ${(error as Error).message}`, { file });
      }
      if (await this.migrateLegacy(threadId)) return this.readThread(threadId);
      return thread;
    }
    const parsed = parseLog(buffer);
    const probeEnd = Math.min(buffer.length, endOfLines(buffer).end + 1, parsed.validBytes + 4096);
    thread.probe = { offset: parsed.validBytes, bytes: Buffer.from(buffer.subarray(parsed.validBytes, probeEnd)) };
    for (const line of parsed.lines) this.replay(thread, line);
    thread.size = parsed.validBytes;
    thread.compactedSize = parsed.validBytes;
    if (parsed.badTail) {
      thread.badTail = { ...parsed.badTail, warned: false };
      const age = Date.now() - (await stat(file).then((s) => s.mtimeMs).catch(() => Date.now()));
      // A damaged complete line, or a torn one nobody is writing: say so now.
      if (parsed.badTail.complete || age > FRESH_TAIL_MS) this.warnTail(thread);
    }
    return thread;
  }

  private replay(thread: ThreadLog, line: LogLine): void {
    if (line.t === 'cp') {
      const entry: Entry = { ns: line.ns, id: line.id, writes: [], ...(line.parent ? { parent: line.parent } : {}) };
      if ('full' in line) entry.full = line.full;
      else {
        entry.base = line.base;
        entry.d = line.d;
      }
      this.index(thread, entry);
      thread.putsSinceCompaction++;
    } else if (line.t === 'w') {
      const entry = thread.entries.get(key(line.ns, line.cp));
      if (entry) applyWrites(entry, line.w);
    }
  }

  private warnTail(thread: ThreadLog): void {
    const tail = thread.badTail;
    if (!tail || tail.warned) return;
    tail.warned = true;
    const newest = [...thread.ids.values()].flatMap((ids) => ids.slice(-1))[0];
    this.options.onCorrupt?.({
      threadId: thread.threadId,
      checkpointId: tail.idHint ?? `after ${newest ?? 'the start'}`,
      file: thread.file,
      movedTo: `${thread.file}.corrupt`,
      reason: `${tail.reason} at byte ${tail.offset} of ${thread.file}`,
    });
  }

  /** Moves a damaged end of the log to `<log>.corrupt` and cuts it off, so appends follow whole lines. */
  private async setTailAside(thread: ThreadLog): Promise<void> {
    const tail = thread.badTail!;
    try {
      const buffer = await readFile(thread.file);
      // The damaged lines only, not the room reserved after them.
      const bytes = buffer.subarray(tail.offset, tail.offset + tail.bytes);
      if (bytes.length > 0) await appendFile(`${thread.file}.corrupt`, Buffer.concat([bytes, Buffer.from('\n')]));
      await truncate(thread.file, tail.offset);
    } catch (error) {
      throw writeFailed(thread.file, error);
    }
    this.warnTail(thread);
    thread.badTail = undefined;
    thread.size = tail.offset;
  }

  /** Runs stored one file per checkpoint (`<id>.json`) become a log; the old files are removed. */
  private async migrateLegacy(threadId: string): Promise<boolean> {
    const folder = this.folderOf(threadId);
    const legacy = await readLegacyCheckpoints(this.root, threadId, {
      keep: this.keep,
      serde: this.serde,
      onCorrupt: (event) => this.options.onCorrupt?.(event),
    });
    if (!legacy) return false;
    const thread: ThreadLog = { threadId, file: this.fileOf(threadId), entries: new Map(), ids: new Map(), heads: new Map(), live: new Map(), size: 0, compactedSize: 0, putsSinceCompaction: 0, usedAt: Date.now() };
    const lines = [encodeLine({ t: 'head', format: CHECKPOINT_LOG_FORMAT, thread: threadId })];
    for (const item of legacy.checkpoints) {
      const { channel_values: channelValues = {}, ...rest } = item.tuple.checkpoint;
      const values: Record<string, SerializedValue> = {};
      for (const [channel, value] of Object.entries(channelValues)) if (value !== undefined) values[channel] = await this.encode(value);
      const doc: CheckpointDoc = { checkpoint: rest as unknown as Record<string, unknown>, values, metadata: await this.encode(item.tuple.metadata) };
      const parentId = item.tuple.parentConfig?.configurable?.checkpoint_id as string | undefined;
      const parentDoc = this.parentDocOf(thread, item.ns, parentId);
      const entry = this.addCheckpoint(thread, item.ns, item.tuple.checkpoint.id, parentId, doc, parentDoc ? parentId : undefined, parentDoc);
      entry.writes = item.writes;
      lines.push(this.lineOf(entry));
      if (entry.writes.length > 0) lines.push(encodeLine({ t: 'w', ns: item.ns, cp: entry.id, w: entry.writes }));
    }
    try {
      await mkdir(folder, { recursive: true });
      // Without overwrite: a process that migrated first wins, and its log is read.
      await replaceAtomically(thread.file, (temp) => writeFile(temp, lines.join(''), { encoding: 'utf8', flag: 'wx' }), { overwrite: false });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw writeFailed(thread.file, error);
    }
    await legacy.remove();
    return true;
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

  /**
   * A value as stored. Plain JSON data (what nodes return) is taken as it is when the serializer is
   * LangGraph's default, which would write it unchanged: no stringify, encode, decode and parse per
   * value. Such a result shares the caller's objects unless `copy`: every other caller copies what it
   * keeps (a patch is copied whole when its entry is made).
   */
  private async encode(value: unknown, copy = false): Promise<SerializedValue> {
    if (this.defaultSerde && isPlainJson(value, 0)) return { type: 'json', json: copy && value !== null && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : value };
    const [type, bytes] = await this.serde.dumpsTyped(value);
    if (type === 'json') return { type: 'json', json: JSON.parse(typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes)) };
    return { type, base64: Buffer.from(bytes).toString('base64') };
  }

  private async decode(value: SerializedValue): Promise<unknown> {
    if ('json' in value) return this.serde.loadsTyped('json', JSON.stringify(value.json));
    return this.serde.loadsTyped(value.type, new Uint8Array(Buffer.from((value as { base64: string }).base64, 'base64')));
  }
}

/** Adds a task's writes to a checkpoint (`storeWrite`); returns the writes that changed something. */
function applyWrites(entry: Entry, writes: StoredLogWrite[]): StoredLogWrite[] {
  return writes.filter((write) => storeWrite(entry.writes, write));
}

/**
 * Data LangGraph's JsonPlusSerializer writes exactly as JSON.stringify would: null, booleans,
 * strings, finite numbers, arrays and plain objects of them (no undefined member, which it writes
 * as a marker; no \`lg_name\`, which marks a Send; not deeper than 32 levels, so no cycle).
 */
function isPlainJson(value: unknown, depth: number): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (depth > 32) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value) || 'lg_name' in value) return false;
  for (const member in value) if (!isPlainJson(value[member], depth + 1)) return false;
  return true;
}

async function stampOf(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    return `${info.ino}:${info.mtimeMs}:${info.size}`;
  } catch {
    return undefined;
  }
}

/** The bytes after the valid lines are as they were loaded (see `ThreadLog.probe`). */
async function probeUnchanged(thread: ThreadLog): Promise<boolean> {
  const probe = thread.probe;
  if (!probe || probe.bytes.length === 0) return true;
  let handle: FileHandle | undefined;
  try {
    handle = await open(thread.file, 'r');
    const now = Buffer.alloc(probe.bytes.length);
    const { bytesRead } = await handle.read(now, 0, now.length, probe.offset);
    return bytesRead === now.length && now.equals(probe.bytes);
  } catch {
    return false;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

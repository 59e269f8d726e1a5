import type { RunnableConfig } from '@langchain/core/runnables';
import { TASKS, maxChannelVersion, type Checkpoint, type CheckpointListOptions, type CheckpointTuple } from '@langchain/langgraph-checkpoint';

type MaybeAsync<T> = T | Promise<T>;

/**
 * What `list` needs of a saver's storage. The executor's savers keep checkpoints each their own way
 * (a log per run, a file per checkpoint, objects in memory) and select them alike.
 */
export interface CheckpointSource<Item> {
  threadIds(): MaybeAsync<string[]>;
  /** A run's namespaces, in the order they are listed. */
  namespaces(threadId: string): MaybeAsync<string[]>;
  idsNewestFirst(threadId: string, ns: string): MaybeAsync<string[]>;
  /** A stored checkpoint, or undefined when it cannot be read (it is left out). */
  item(threadId: string, ns: string, id: string): MaybeAsync<Item | undefined>;
  metadataOf(item: Item): MaybeAsync<Record<string, unknown> | undefined>;
  tupleOf(item: Item): MaybeAsync<CheckpointTuple>;
}

/**
 * LangGraph's `list`: the checkpoints of one run (or every run), newest first per namespace, narrowed
 * to a namespace and checkpoint id when the config names them, to those before `before`, to those
 * whose metadata holds every member of `filter`, and to `limit` of them.
 */
export async function* listCheckpoints<Item>(source: CheckpointSource<Item>, config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
  const { before, filter } = options ?? {};
  let limit = options?.limit;
  const threadId = config.configurable?.thread_id as string | undefined;
  const nsWanted = config.configurable?.checkpoint_ns as string | undefined;
  const idWanted = config.configurable?.checkpoint_id as string | undefined;
  const beforeId = before?.configurable?.checkpoint_id as string | undefined;
  const filtered = filter !== undefined && Object.keys(filter).length > 0;
  const threadIds = threadId !== undefined && threadId !== null ? [threadId] : await source.threadIds();
  for (const thread of threadIds) {
    for (const ns of await source.namespaces(thread)) {
      if (nsWanted !== undefined && ns !== nsWanted) continue;
      for (const id of await source.idsNewestFirst(thread, ns)) {
        if (idWanted && id !== idWanted) continue;
        if (beforeId && id >= beforeId) continue;
        const item = await source.item(thread, ns, id);
        if (item === undefined) continue;
        if (filtered) {
          const metadata = await source.metadataOf(item);
          if (!Object.entries(filter).every(([name, value]) => metadata?.[name] === value)) continue;
        }
        if (limit !== undefined) {
          if (limit <= 0) return;
          limit -= 1;
        }
        yield await source.tupleOf(item);
      }
    }
  }
}

/** Namespaces in listing order: the root (`''`) first, then by name. */
export function inListingOrder(namespaces: Iterable<string>): string[] {
  return [...namespaces].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)));
}

/**
 * Checkpoints before format 4 kept a step's pending sends in their parent's writes; LangGraph's own
 * savers move them into the `__pregel_tasks` channel when reading such a checkpoint, and so do ours.
 */
export function withPendingSends(checkpoint: Checkpoint, sends: unknown[], firstVersion: () => Checkpoint['channel_versions'][string]): void {
  checkpoint.channel_values ??= {};
  checkpoint.channel_values[TASKS] = sends;
  checkpoint.channel_versions ??= {};
  const versions = Object.values(checkpoint.channel_versions);
  checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : firstVersion();
}

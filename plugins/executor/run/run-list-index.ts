import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunListItem } from '../api/index.js';
import { toListItem } from '../http/run-list-page.js';
import type { RunRecords } from './run-records.js';

/** Files stat'ed at once while looking for changed records. */
const STAT_BATCH = 64;

/**
 * What lists show of every run on file, kept in memory between requests: a record is read and
 * parsed again only when one of its files (`<runId>.json` and any `<runId>.*` beside it, such as a
 * journal of changes) changed size or modification time. A listing costs one directory read and a
 * `stat` per file instead of parsing every record: with thousands of runs on file, a page of the
 * list answers in tens of milliseconds rather than seconds.
 */
export class RunListIndex {
  private readonly entries = new Map<string, { key: string; item: RunListItem }>();

  constructor(
    private readonly records: RunRecords,
    private readonly onProblem: (runId: string, message: string) => void = () => undefined,
  ) {}

  async items(): Promise<RunListItem[]> {
    let names: string[];
    try {
      names = await readdir(this.records.folder);
    } catch {
      return [];
    }
    const files = new Map<string, string[]>();
    for (const name of names) if (name.endsWith('.json') && !name.startsWith('.')) files.set(name.slice(0, -'.json'.length), [name]);
    for (const name of names) {
      if (name.endsWith('.json') || name.startsWith('.')) continue;
      // `<runId>.<anything>`: the run id is the longest prefix before a dot that names a record.
      for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
        const group = files.get(name.slice(0, dot));
        if (group) {
          group.push(name);
          break;
        }
      }
    }
    const runIds = [...files.keys()];
    const keys = new Map<string, string>();
    for (let i = 0; i < runIds.length; i += STAT_BATCH) {
      await Promise.all(
        runIds.slice(i, i + STAT_BATCH).map(async (runId) => {
          const parts = await Promise.all(
            files.get(runId)!.sort().map(async (name) => {
              const info = await stat(join(this.records.folder, name)).catch(() => undefined);
              return info ? `${name}:${info.ino}:${info.size}:${info.mtimeMs}` : `${name}:-`;
            }),
          );
          keys.set(runId, parts.join('|'));
        }),
      );
    }
    for (const runId of this.entries.keys()) if (!keys.has(runId)) this.entries.delete(runId);
    const items: RunListItem[] = [];
    for (const runId of runIds) {
      const key = keys.get(runId)!;
      const known = this.entries.get(runId);
      if (known?.key === key) {
        items.push(known.item);
        continue;
      }
      try {
        const record = await this.records.read(runId);
        if (!record) continue;
        const item = toListItem(record);
        this.entries.set(runId, { key, item });
        items.push(item);
      } catch (error) {
        this.entries.delete(runId);
        this.onProblem(runId, (error as Error).message);
      }
    }
    return items;
  }
}

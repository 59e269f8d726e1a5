import { copyFile, cp, lstat, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { OrchError, replaceAtomically, toStoredJson } from '../../../kernel/index.js';
import { withPathLocks } from './path-lock.js';
import { type NodeRunContext } from '../../plans/api/index.js';
import { Workspace } from '../workspace/workspace.js';
import { fileFailure } from './file-failure.js';
import type { EntryType, FileParams, ListedEntry, ParamsOf } from './file-params.js';

/** What a move leaves in the node's scratch, so a move redone after a crash is recognised as done. */
interface MoveScratch {
  moving: string;
}

/** What an append leaves in the node's scratch: where its bytes start, so a redone append is recognised. */
interface AppendScratch {
  appending: string;
  offset: number;
}

/**
 * The file operations, each on paths the workspace has resolved and confined. Outputs name paths
 * relative to the workspace root.
 */
export class FileOperations {
  constructor(
    private readonly workspace: Workspace,
    private readonly ctx: NodeRunContext<FileParams>,
  ) {}

  async read(p: ParamsOf<'read'>) {
    const file = await this.path(p.path, 'path');
    return withPathLocks([file], () => this.readLocked(p, file));
  }

  private async readLocked(p: ParamsOf<'read'>, file: string) {
    const info = await this.guard('read', 'path', p.path, () => stat(file));
    if (!info.isFile()) throw fileFailure(Object.assign(new Error(), { code: 'EISDIR' }), 'read', 'path', p.path);
    if (info.size > p.maxBytes) {
      throw new OrchError('invalid_input', `file read: path "${p.path}" has ${info.size} bytes, more than maxBytes ${p.maxBytes}`, {
        issues: [{ path: 'params.maxBytes', message: `the file has ${info.size} bytes` }],
      });
    }
    const bytes = await this.guard('read', 'path', p.path, () => readFile(file, { signal: this.ctx.signal }));
    let content: unknown;
    if (p.format === 'base64') content = bytes.toString('base64');
    else if (p.format === 'text') content = bytes.toString('utf8');
    else {
      try {
        content = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        throw new OrchError('invalid_input', `file read: path "${p.path}" is not JSON (format json): ${(error as Error).message}`);
      }
    }
    return { path: await this.workspace.display(file), size: bytes.length, content };
  }

  async write(p: ParamsOf<'write'>) {
    const file = await this.path(p.path, 'path');
    const bytes = p.json !== undefined ? Buffer.from(toStoredJson(p.json)) : Buffer.from(p.content!, p.encoding === 'base64' ? 'base64' : 'utf8');
    const existed = await withPathLocks([file], async () => {
      const existed = await exists(file);
      await this.guard('write', 'path', p.path, () =>
        replaceAtomically(file, (temp) => writeFile(temp, bytes, { flag: 'wx' }), { overwrite: p.overwrite, createDirs: p.createDirs }),
      );
      return existed;
    });
    return { path: await this.workspace.display(file), bytes: bytes.length, created: !existed };
  }

  /**
   * A real `O_APPEND` write under the path's lock: appends from any number of nodes, runs and
   * processes all land (and so do `>>` appends of other programs). A failed write is cut back, so an
   * append is whole or absent; an append redone after a crash (same attempt) is recognised and not
   * written twice.
   */
  async append(p: ParamsOf<'append'>) {
    const file = await this.path(p.path, 'path');
    const bytes = Buffer.from(p.content, 'utf8');
    const size = await withPathLocks([file], () =>
      this.guard('append', 'path', p.path, async () => {
        if (p.createDirs) await mkdir(dirname(file), { recursive: true });
        const before = (await stat(file).catch(() => undefined))?.size ?? 0;
        const scratch = this.ctx.scratch.get<AppendScratch>();
        if (scratch?.appending === this.ctx.idempotencyKey && (await holdsAt(file, scratch.offset, bytes))) return before;
        await this.ctx.scratch.set({ appending: this.ctx.idempotencyKey, offset: before } satisfies AppendScratch);
        const handle = await open(file, 'a');
        try {
          let written = 0;
          try {
            while (written < bytes.length) written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten;
            await handle.sync();
          } catch (error) {
            if (written > 0) await handle.truncate(before).catch(() => undefined);
            throw error;
          }
          return (await handle.stat()).size;
        } finally {
          await handle.close();
        }
      }),
    );
    return { path: await this.workspace.display(file), bytes: bytes.length, size };
  }

  async copy(p: ParamsOf<'copy'>) {
    const from = await this.path(p.from, 'from');
    const to = await this.path(p.to, 'to');
    const info = await withPathLocks([from, to], async () => {
      const info = await this.guard('copy', 'from', p.from, () => stat(from));
      if (!info.isFile()) {
        throw new OrchError('invalid_input', `file copy: from "${p.from}" is a ${describeType(info)}; copy copies files (move renames folders)`);
      }
      await this.guard('copy', 'to', p.to, () =>
        replaceAtomically(to, (temp) => copyFile(from, temp), { overwrite: p.overwrite, createDirs: p.createDirs }),
      );
      return info;
    });
    return { from: await this.workspace.display(from), to: await this.workspace.display(to), bytes: info.size };
  }

  async move(p: ParamsOf<'move'>) {
    const from = await this.path(p.from, 'from', 'keep');
    const to = await this.path(p.to, 'to', 'keep');
    const shown = { from: await this.workspace.display(from), to: await this.workspace.display(to) };
    return withPathLocks([from, to], () => this.moveLocked(p, from, to, shown));
  }

  private async moveLocked(p: ParamsOf<'move'>, from: string, to: string, shown: { from: string; to: string }) {
    const scratch = this.ctx.scratch.get<MoveScratch>();
    if (scratch?.moving === this.ctx.idempotencyKey && !(await exists(from)) && (await exists(to))) {
      // This very attempt moved it before the process stopped: done, not "from does not exist".
      return { ...shown, resumed: true };
    }
    const root = await this.workspace.realRoot();
    if (from === root) throw new OrchError('invalid_input', `file move: from "${p.from}" is the workspace root itself`);
    await this.guard('move', 'from', p.from, () => lstat(from));
    if (!p.overwrite && (await exists(to))) throw fileFailure(Object.assign(new Error(), { code: 'EEXIST' }), 'move', 'to', p.to);
    if (p.createDirs) await mkdir(dirname(to), { recursive: true });
    await this.ctx.scratch.set({ moving: this.ctx.idempotencyKey } satisfies MoveScratch);
    await this.guard('move', 'to', p.to, async () => {
      try {
        await rename(from, to);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
        // Another file system under the workspace: copy, then remove the original.
        await cp(from, to, { recursive: true, errorOnExist: !p.overwrite, force: p.overwrite, verbatimSymlinks: true });
        await rm(from, { recursive: true, force: true });
      }
    });
    return { ...shown, resumed: false };
  }

  async delete(p: ParamsOf<'delete'>) {
    const target = await this.path(p.path, 'path', 'keep');
    if (target === (await this.workspace.realRoot())) throw new OrchError('invalid_input', `file delete: path "${p.path}" is the workspace root itself`);
    const shown = await this.workspace.display(target);
    return withPathLocks([target], async () => {
      const info = await lstat(target).catch(() => undefined);
      if (!info) {
        if (p.missingOk) return { path: shown, deleted: false, type: null };
        throw fileFailure(Object.assign(new Error(), { code: 'ENOENT' }), 'delete', 'path', p.path);
      }
      await this.guard('delete', 'path', p.path, () => (info.isDirectory() && !p.recursive ? rmdir(target) : rm(target, { recursive: p.recursive })));
      return { path: shown, deleted: true, type: typeOf(info) };
    });
  }

  async list(p: ParamsOf<'list'>) {
    const folder = await this.path(p.path, 'path');
    const info = await this.guard('list', 'path', p.path, () => stat(folder));
    if (!info.isDirectory()) throw fileFailure(Object.assign(new Error(), { code: 'ENOTDIR' }), 'list', 'path', p.path);
    const entries: ListedEntry[] = [];
    let truncated = false;
    const walk = async (dir: string): Promise<void> => {
      const names = (await readdir(dir)).sort();
      for (const name of names) {
        if (entries.length >= p.maxEntries) {
          truncated = true;
          return;
        }
        this.ctx.signal.throwIfAborted();
        const full = join(dir, name);
        const entry = await lstat(full).catch(() => undefined);
        if (!entry) continue;
        entries.push({ path: await this.workspace.display(full), name, type: typeOf(entry), size: entry.size, modifiedAt: entry.mtime.toISOString() });
        if (p.recursive && entry.isDirectory()) await walk(full);
        if (truncated) return;
      }
    };
    await this.guard('list', 'path', p.path, () => walk(folder));
    return { path: await this.workspace.display(folder), entries, truncated };
  }

  async exists(p: ParamsOf<'exists'>) {
    const target = await this.path(p.path, 'path', 'keep');
    const info = await lstat(target).catch(() => undefined);
    return { path: await this.workspace.display(target), exists: info !== undefined, type: info ? typeOf(info) : null };
  }

  private path(given: string, field: string, finalLink: 'follow' | 'keep' = 'follow'): Promise<string> {
    return this.workspace.resolve(given, `params.${field}`, finalLink);
  }

  private async guard<T>(op: string, field: string, given: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
      throw fileFailure(error, op, field, given);
    }
  }
}

/** Whether `file` holds `bytes` at `offset` (an append that already happened). */
async function holdsAt(file: string, offset: number, bytes: Buffer): Promise<boolean> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const found = Buffer.alloc(bytes.length);
    const { bytesRead } = await handle.read(found, 0, bytes.length, offset);
    return bytesRead === bytes.length && found.equals(bytes);
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}


function typeOf(info: Stats): EntryType {
  if (info.isSymbolicLink()) return 'symlink';
  if (info.isDirectory()) return 'directory';
  if (info.isFile()) return 'file';
  return 'other';
}

function describeType(info: Stats): string {
  return typeOf(info) === 'directory' ? 'folder' : typeOf(info);
}

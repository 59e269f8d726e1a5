import { z } from 'zod';

const Path = z.string().min(1, 'give a path inside the workspace, relative to its root').describe('Relative to the workspace root; may not leave it');
const createDirs = z.boolean().default(true).describe('Create missing parent folders (default true)');

/** `local_task` kind `file`: one operation inside the workspace root, chosen by `op`. */
export const FileParamsSchema = z
  .discriminatedUnion(
    'op',
    [
      z
        .strictObject({
          op: z.literal('read'),
          path: Path,
          format: z.enum(['text', 'json', 'base64']).default('text').describe('text (UTF-8), json (parsed) or base64 (bytes)'),
          maxBytes: z.number().int().min(1).max(256 * 1024 * 1024).default(10 * 1024 * 1024).describe('Larger files fail the node (default 10 MiB)'),
        })
        .describe('Reads a file: { path, size, content }'),
      z
        .strictObject({
          op: z.literal('write'),
          path: Path,
          content: z.string().optional().describe('The text to write'),
          json: z.unknown().optional().describe('A JSON value, written with two-space indent and a final newline'),
          encoding: z.enum(['utf8', 'base64']).default('utf8').describe('How "content" is encoded (base64 for bytes)'),
          overwrite: z.boolean().default(true).describe('Replace an existing file (default true)'),
          createDirs,
        })
        .refine((p) => (p.content === undefined) !== (p.json === undefined), { message: 'give exactly one of "content" or "json"', path: ['content'] })
        .describe('Writes a file atomically (temp file, fsync, rename): { path, bytes, created }'),
      z
        .strictObject({
          op: z.literal('append'),
          path: Path,
          content: z.string().describe('The text to add at the end'),
          createDirs,
        })
        .describe('Appends text with one O_APPEND write under the path lock: no append is lost to a concurrent writer: { path, bytes, size }'),
      z
        .strictObject({ op: z.literal('copy'), from: Path, to: Path, overwrite: z.boolean().default(false).describe('Replace an existing target (default false)'), createDirs })
        .describe('Copies a file atomically: { from, to, bytes }'),
      z
        .strictObject({ op: z.literal('move'), from: Path, to: Path, overwrite: z.boolean().default(false).describe('Replace an existing target (default false)'), createDirs })
        .describe('Moves (renames) a file or folder: { from, to }'),
      z
        .strictObject({
          op: z.literal('delete'),
          path: Path,
          recursive: z.boolean().default(false).describe('Needed to delete a folder that is not empty'),
          missingOk: z.boolean().default(false).describe('Succeed when the path does not exist (default: fail)'),
        })
        .describe('Deletes a file, a symbolic link or a folder: { path, deleted, type }'),
      z
        .strictObject({
          op: z.literal('list'),
          path: Path.default('.'),
          recursive: z.boolean().default(false).describe('Include sub-folders (symbolic links are listed, not followed)'),
          maxEntries: z.number().int().min(1).max(100_000).default(1000).describe('Stop after this many entries (default 1000; truncated says so)'),
        })
        .describe('Lists a folder: { path, entries: [{ path, name, type, size, modifiedAt }], truncated }'),
      z.strictObject({ op: z.literal('exists'), path: Path }).describe('Whether a path exists: { path, exists, type }'),
    ],
    { error: (issue) => (issue.input === undefined ? 'give "op": read, write, append, copy, move, delete, list or exists' : undefined) },
  )
  .describe('A file operation inside the workspace root');

export type FileParams = z.output<typeof FileParamsSchema>;
export type FileOp = FileParams['op'];
export type ParamsOf<O extends FileOp> = Extract<FileParams, { op: O }>;

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface ListedEntry {
  /** Relative to the workspace root, `/`-separated. */
  path: string;
  name: string;
  type: EntryType;
  size: number;
  modifiedAt: string;
}

import { OrchError } from '../../../kernel/index.js';

/** Failures a retry cannot cure: the node goes to a person at once. */
const PERMANENT = new Set(['EEXIST', 'EISDIR', 'ENOTDIR', 'ENOTEMPTY', 'EACCES', 'EPERM', 'EINVAL']);

const WHY: Record<string, string> = {
  ENOENT: 'does not exist',
  EEXIST: 'already exists (set "overwrite": true to replace it)',
  EISDIR: 'is a folder',
  ENOTDIR: 'is not a folder (or a parent is a file)',
  ENOTEMPTY: 'is a folder that is not empty (set "recursive": true to delete it with its content)',
  EACCES: 'is not accessible to Orch (permissions)',
  EPERM: 'may not be changed (permissions)',
  ENOSPC: 'cannot be written: the disk is full',
};

/** A file-system error as a sentence naming the op, the field and the path the plan gave. */
export function fileFailure(error: unknown, op: string, field: string, given: string): Error {
  if (error instanceof OrchError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const message = `file ${op}: ${field} "${given}" ${WHY[code] ?? `failed: ${(error as Error).message}`}`;
  return PERMANENT.has(code) ? new OrchError('invalid_input', message, { issues: [{ path: `params.${field}`, message }] }) : new Error(message, { cause: error });
}

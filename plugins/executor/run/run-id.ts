import { randomBytes } from 'node:crypto';

/** `run-20261124-103015-3fa2`: sortable by start time, unique, safe as a folder name. */
export function newRunId(iso: string): string {
  const stamp = iso.replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${randomBytes(2).toString('hex')}`;
}

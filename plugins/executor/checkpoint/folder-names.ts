/**
 * Run ids become folder names. Ids that are already safe (letters, digits, `_`, `-`, `.` not
 * leading) are used as they are, so `state/checkpoints/<runId>/` is what a person expects; anything
 * else is written as `~` + base64url, which never collides with a safe name.
 */
const SAFE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function folderNameOf(id: string): string {
  return SAFE.test(id) ? id : `~${Buffer.from(id, 'utf8').toString('base64url')}`;
}

export function threadIdOfFolder(name: string): string {
  return name.startsWith('~') ? Buffer.from(name.slice(1), 'base64url').toString('utf8') : name;
}

import { randomBytes } from 'node:crypto';
import { OrchError } from '../../kernel/index.js';

/** `apr_` and 10 hex digits: short enough to type, random enough for one installation's history. */
export function newApprovalId(): string {
  return `apr_${randomBytes(5).toString('hex')}`;
}

const MIN_PREFIX = 4;

/**
 * The id a person meant: an exact id, or a unique prefix (`apr_3f9a` or just `3f9a`) of at least
 * four characters. Returns undefined when nothing matches; an ambiguous prefix is an error listing
 * the candidates.
 */
export function matchApprovalId(wanted: string, ids: readonly string[]): string | undefined {
  if (ids.includes(wanted)) return wanted;
  const bare = wanted.startsWith('apr_') ? wanted.slice(4) : wanted;
  if (bare.length < MIN_PREFIX) return undefined;
  const matches = ids.filter((id) => id.slice(4).startsWith(bare));
  if (matches.length > 1) {
    throw new OrchError('invalid_input', `"${wanted}" matches ${matches.length} approvals (${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', …' : ''}); give more of the id`, {
      candidates: matches,
    });
  }
  return matches[0];
}

/** The error for an id that matches nothing, with what to do about it. */
export function unknownApprovalError(wanted: string): OrchError {
  const bare = wanted.startsWith('apr_') ? wanted.slice(4) : wanted;
  const hint = bare.length < MIN_PREFIX ? `give the full id or at least ${MIN_PREFIX} characters after "apr_"` : '`orch approvals:list --all` shows every one';
  return new OrchError('not_found', `No approval "${wanted}" in state/approvals/ (${hint})`, { approvalId: wanted });
}

import { expect } from 'chai';
import { isOrchError } from '../../kernel/index.js';
import { matchApprovalId, newApprovalId } from './approval-id.js';

describe('approval ids', () => {
  it('are apr_ and 10 hex digits, unique in practice', () => {
    const ids = new Set(Array.from({ length: 1000 }, newApprovalId));
    expect(ids.size).to.equal(1000);
    for (const id of ids) expect(id).to.match(/^apr_[0-9a-f]{10}$/);
  });

  it('match exactly or by a unique prefix of at least 4 characters, with or without apr_', () => {
    const ids = ['apr_3f9a0c12de', 'apr_3f9b000000', 'apr_aaaa000000'];
    expect(matchApprovalId('apr_aaaa000000', ids)).to.equal('apr_aaaa000000');
    expect(matchApprovalId('aaaa', ids)).to.equal('apr_aaaa000000');
    expect(matchApprovalId('apr_3f9a', ids)).to.equal('apr_3f9a0c12de');
    expect(matchApprovalId('aaa', ids)).to.equal(undefined);
    expect(matchApprovalId('ffff', ids)).to.equal(undefined);
    expect(matchApprovalId('apr_', ids)).to.equal(undefined);
    let error: unknown;
    try {
      matchApprovalId('3f9a', ['apr_3f9a000000', 'apr_3f9a111111']);
    } catch (e) {
      error = e;
    }
    expect(isOrchError(error) && error.message).to.contain('matches 2 approvals');
  });
});

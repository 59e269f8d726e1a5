import { expect } from 'chai';
import { expire, expiryOf, isDue } from './approval-expiry.js';
import type { PendingRecord } from './approval-files.js';

const base: PendingRecord = {
  id: 'apr_0000000001',
  runId: 'r',
  nodeId: 'n',
  planId: 'p',
  planVersion: 1,
  key: 'n',
  title: 't',
  prompt: 'p',
  riskLevel: 'medium',
  requestedAt: '2026-11-24T08:00:00.000Z',
  requestedBy: 'x',
  onTimeout: 'reject',
  expiresAt: '2026-11-24T09:00:00.000Z',
};
const before = new Date('2026-11-24T08:59:59.999Z');
const at = new Date('2026-11-24T09:00:00.000Z');

describe('approval expiry rule', () => {
  it('is due from expiresAt on, never without expiresAt, never twice for an escalation', () => {
    expect(isDue(base, before)).to.equal(false);
    expect(isDue(base, at)).to.equal(true);
    expect(isDue({ ...base, expiresAt: undefined }, at)).to.equal(false);
    expect(isDue({ ...base, onTimeout: 'escalate', escalatedAt: at.toISOString() }, at)).to.equal(false);
    expect(isDue({ ...base, expiresAt: 'not a date' }, at)).to.equal(false);
  });

  it('rejects or approves as system via timeout, or escalates keeping the request pending', () => {
    const rejected = expire(base, at);
    expect(rejected.kind).to.equal('decided');
    expect(rejected.record).to.deep.include({ id: base.id });
    expect((rejected.record as { decision: unknown }).decision).to.deep.include({ outcome: 'rejected', operator: 'system', via: 'timeout', decidedAt: at.toISOString() });
    const approved = expire({ ...base, onTimeout: 'approve' }, at);
    expect((approved.record as { decision: { outcome: string } }).decision.outcome).to.equal('approved');
    const escalated = expire({ ...base, onTimeout: 'escalate' }, at);
    expect(escalated).to.deep.equal({ kind: 'escalated', record: { ...base, onTimeout: 'escalate', escalatedAt: at.toISOString() } });
  });

  it('computes expiresAt from timeoutMs unless one is given', () => {
    expect(expiryOf({ timeoutMs: 60_000 }, at)).to.equal('2026-11-24T09:01:00.000Z');
    expect(expiryOf({ expiresAt: 'x', timeoutMs: 5 }, at)).to.equal('x');
    expect(expiryOf({}, at)).to.equal(undefined);
  });
});

import { expect } from 'chai';
import { MAX_RETRY_WAIT_MS, retryWaitMs } from './retry-wait.js';

describe('http: retryWaitMs', () => {
  it('doubles the backoff per retry', () => {
    expect([1, 2, 3].map((n) => retryWaitMs(n, 500, undefined))).to.deep.equal([500, 1000, 2000]);
  });

  it('prefers Retry-After in seconds or as a date, capped at a minute', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(retryWaitMs(1, 500, '3', now)).to.equal(3000);
    expect(retryWaitMs(1, 500, 'Tue, 24 Nov 2026 10:00:05 GMT', now)).to.equal(5000);
    expect(retryWaitMs(1, 500, '3600', now)).to.equal(MAX_RETRY_WAIT_MS);
    expect(retryWaitMs(1, 500, 'Tue, 24 Nov 2026 09:00:00 GMT', now)).to.equal(0);
    expect(retryWaitMs(2, 500, 'garbage', now)).to.equal(1000);
  });
});

import { expect } from 'chai';
import { reconnectDelay } from './backoff.js';
import { ReconnectPolicySchema } from './servers-config.js';

describe('mcp-bridge: reconnect backoff', () => {
  it('waits 5, 10, 20, 40, 60, 60 s by default', () => {
    const policy = ReconnectPolicySchema.parse({});
    expect([1, 2, 3, 4, 5, 6].map((n) => reconnectDelay(n, policy))).to.deep.equal([5000, 10_000, 20_000, 40_000, 60_000, 60_000]);
  });

  it('follows a configured policy and never exceeds maxMs, even after many attempts', () => {
    const policy = { initialMs: 50, factor: 3, maxMs: 1000 };
    expect([1, 2, 3, 4].map((n) => reconnectDelay(n, policy))).to.deep.equal([50, 150, 450, 1000]);
    expect(reconnectDelay(10_000, policy)).to.equal(1000);
  });

  it('rejects attempt numbers below 1', () => {
    expect(() => reconnectDelay(0, ReconnectPolicySchema.parse({}))).to.throw(RangeError);
  });
});

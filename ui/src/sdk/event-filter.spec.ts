import { expect } from 'chai';
import { eventMatches } from './event-filter.ts';

describe('GUI SDK: event filters', () => {
  it('matches by topic, by exact type, by any of several, and everything with *', () => {
    const failed = { type: 'node.failed' };
    expect(eventMatches('node', failed)).to.equal(true);
    expect(eventMatches('node.failed', failed)).to.equal(true);
    expect(eventMatches('node.started', failed)).to.equal(false);
    expect(eventMatches('no', failed)).to.equal(false);
    expect(eventMatches(['run', 'node.failed'], failed)).to.equal(true);
    expect(eventMatches([], failed)).to.equal(false);
    expect(eventMatches('*', { type: 'heartbeat' })).to.equal(true);
  });
});

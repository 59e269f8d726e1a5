import { expect } from 'chai';
import type { OrchEvent } from '../../kernel/index.js';
import { HttpError } from './error-reply.js';
import { TopicFilter } from './topic-filter.js';

/** A catalog as the contributed events of the business plugins make it. */
const types = ['run.started', 'run.completed', 'node.started', 'node.succeeded', 'bridge.state-change', 'approval.resolved', 'tool.invoked'];
const catalog = { types: () => types, topics: () => [...new Set(types.map((t) => t.split('.')[0]!))] };

const event = (type: string): OrchEvent => ({ type, seq: 1, time: '' }) as unknown as OrchEvent;

describe('server: TopicFilter', () => {
  it('accepts everything without a filter or with an empty one', () => {
    for (const value of [null, '', ' , ']) {
      const filter = TopicFilter.parse(value, catalog);
      expect(filter.names).to.equal(null);
      expect(filter.accepts(event('run.started'))).to.equal(true);
    }
  });

  it('matches topics and exact types, ignoring blanks and duplicates', () => {
    const filter = TopicFilter.parse(' run, node.succeeded ,run', catalog);
    expect(filter.names).to.deep.equal(['run', 'node.succeeded']);
    expect(filter.accepts(event('run.completed'))).to.equal(true);
    expect(filter.accepts(event('node.succeeded'))).to.equal(true);
    expect(filter.accepts(event('node.started'))).to.equal(false);
    expect(filter.accepts(event('bridge.state-change'))).to.equal(false);
  });

  it('refuses unknown names with a 400 listing each one and the known topics', () => {
    try {
      TopicFilter.parse('run,weather,node.exploded', catalog);
      expect.fail('should throw');
    } catch (error) {
      expect(error).to.be.instanceOf(HttpError);
      const http = error as HttpError;
      expect(http.status).to.equal(400);
      expect(http.message).to.contain('"weather", "node.exploded"').and.contain('bridge');
      expect(http.details?.issues).to.have.length(2);
    }
  });

  it('accepts a topic that a third-party plugin contributed', () => {
    const filter = TopicFilter.parse('greeting', { types: () => ['greeting.sent'], topics: () => ['greeting'] });
    expect(filter.accepts(event('greeting.sent'))).to.equal(true);
  });
});

import { expect } from 'chai';
import { closestName } from './closest-name.js';

describe('closestName', () => {
  it('suggests a likely meaning for a typo, and nothing for a different word', () => {
    expect(closestName('fetchh', ['fetch', 'summary'])).to.equal('fetch');
    expect(closestName('Summary', ['fetch', 'summary'])).to.equal('summary');
    expect(closestName('deploy', ['fetch', 'summary'])).to.equal(undefined);
    expect(closestName('x', [])).to.equal(undefined);
  });
});

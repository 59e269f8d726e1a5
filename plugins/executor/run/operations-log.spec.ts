import { expect } from 'chai';
import { suggestRemedy } from './operations-log.js';

describe('suggestRemedy', () => {
  it('points at the likely cause of common errors', () => {
    expect(suggestRemedy('connect ECONNREFUSED 127.0.0.1:80')).to.contain('could not be reached');
    expect(suggestRemedy('node "x" timed out after 500 ms')).to.contain('timeoutMs');
    expect(suggestRemedy('HTTP 401 Unauthorized')).to.contain('credentials');
    expect(suggestRemedy('ENOENT: no such file')).to.contain('does not exist');
    expect(suggestRemedy('something odd')).to.contain('logs/app.jsonl');
  });
});

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

  it("points an agent whose answer breaks its output schema at the agent's instructions, not the plan", () => {
    const remedy = suggestRemedy('Agent "poet" answered, but the answer does not match the output schema: lines: expected array, received string');
    expect(remedy).to.contain('agents-config/poet.json').and.contain('instructions').and.contain('output schema');
    expect(remedy).to.not.contain('fix the plan');
    expect(suggestRemedy('Agent "poet" gave no JSON answer for its output schema: Unexpected token')).to.contain('agents-config/poet.json');
  });
});

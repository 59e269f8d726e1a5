import { expect } from 'chai';
import { demoRunHint } from './demo-run-hint.js';

describe('demo run hint', () => {
  const base = 'http://127.0.0.1:7420';

  it('sends a waiting run to the approvals inbox, naming the run', () => {
    const [first] = demoRunHint('run-1', 'waiting_approval', base);
    expect(first).to.equal('Try this first — open the approvals inbox: the example run run-1 waits for you → http://127.0.0.1:7420/approvals');
  });

  it('sends a run that needs something else to its own page, saying its status', () => {
    expect(demoRunHint('run-1', 'needs_attention', base)[0]).to.contain('run-1 needs attention').and.contain(`${base}/runs/run-1`);
    expect(demoRunHint('run-1', 'completed', base)[0]).to.contain('has completed').and.contain(`${base}/runs/run-1`);
  });

  it('always points to the walk-through', () => {
    for (const status of ['waiting_approval', 'completed', 'running', 'failed'] as const) {
      expect(demoRunHint('run-1', status, base).join('\n')).to.contain('docs/first-10-minutes.md');
    }
  });
});

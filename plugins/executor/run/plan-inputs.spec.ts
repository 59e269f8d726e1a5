import { expect } from 'chai';
import type { Plan } from '../../plans/api/index.js';
import { parseInputPairs, resolveInputs } from './plan-inputs.js';

const plan = {
  id: 'p',
  name: 'p',
  goal: 'g',
  version: 1,
  createdAt: '',
  createdBy: '',
  inputs: {
    count: { type: 'number', required: true },
    dry: { type: 'boolean', required: false, default: true },
    tags: { type: 'array', required: false },
    name: { type: 'string', required: false },
  },
  root: { id: 'x', type: 'local_task', kind: 'noop', params: {} },
} as unknown as Plan;

describe('plan inputs', () => {
  it('converts typed text to the declared types and fills defaults', () => {
    expect(resolveInputs(plan, { count: '3', tags: '["a"]', name: 'n=1' }, { fromText: true })).to.deep.equal({ count: 3, tags: ['a'], name: 'n=1', dry: true });
  });

  it('names every wrong, unknown and missing input', () => {
    expect(() => resolveInputs(plan, { dry: 'maybe', extra: 'x' }, { fromText: true }))
      .to.throw(/inputs\.dry: expected a boolean \("maybe" is not true or false\).*inputs\.extra: plan "p" has no input "extra".*inputs\.count: required/);
  });

  it('parses name=value pairs, keeping "=" inside values', () => {
    expect(parseInputPairs(['a=1', 'b=x=y'])).to.deep.equal({ a: '1', b: 'x=y' });
    expect(() => parseInputPairs(['novalue'])).to.throw('--input expects name=value');
  });
});

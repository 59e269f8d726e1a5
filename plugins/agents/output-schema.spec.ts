import { expect } from 'chai';
import { OutputSchema } from './output-schema.js';

describe('agents: output schema', () => {
  const schema = { type: 'object', properties: { sentiment: { enum: ['positive', 'negative'] }, score: { type: 'number' } }, required: ['sentiment', 'score'], additionalProperties: false };

  it('accepts a matching answer and names each wrong field', () => {
    const compiled = OutputSchema.compile(schema);
    expect(compiled.check({ sentiment: 'positive', score: 0.9 })).to.deep.equal([]);
    expect(compiled.check({ sentiment: 'meh', extra: 1 })).to.deep.include.members([
      { path: 'sentiment', message: 'must be one of "positive", "negative"' },
      { path: 'score', message: 'is required' },
      { path: 'extra', message: 'is not allowed by the output schema' },
    ]);
  });

  it('refuses a broken schema with the reason', () => {
    expect(() => OutputSchema.compile({ type: 'objekt' })).to.throw(/not a usable JSON Schema/);
  });

  it('wraps non-object schemas for the model and unwraps the answer', () => {
    const list = OutputSchema.compile({ type: 'array', items: { type: 'string' } }).forModel('output');
    expect(list.definition.schema).to.deep.include({ type: 'object', required: ['value'] });
    expect(list.unwrap({ value: ['a'] })).to.deep.equal(['a']);
    const object = OutputSchema.compile(schema).forModel('output');
    expect(object.definition.strict).to.equal(true);
    expect(object.unwrap({ sentiment: 'positive', score: 1 })).to.deep.equal({ sentiment: 'positive', score: 1 });
  });
});

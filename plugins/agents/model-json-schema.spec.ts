import { expect } from 'chai';
import { z } from 'zod';
import { extractJson, isStrictCompatible, modelJsonSchema } from './model-json-schema.js';

describe('agents: model JSON schema helpers', () => {
  it('sends the input side of a schema without $schema', () => {
    const json = modelJsonSchema(z.object({ a: z.number().default(1) }));
    expect(json).to.not.have.property('$schema');
    expect(json.type).to.equal('object');
  });

  it('calls a schema strict-compatible only when every property is required and nothing else is allowed', () => {
    expect(isStrictCompatible(modelJsonSchema(z.strictObject({ a: z.string().nullable(), b: z.array(z.strictObject({ c: z.number() })) })))).to.equal(true);
    expect(isStrictCompatible(modelJsonSchema(z.strictObject({ a: z.string().optional() })))).to.equal(false);
    expect(isStrictCompatible(modelJsonSchema(z.object({ a: z.string() })))).to.equal(false);
    expect(isStrictCompatible(modelJsonSchema(z.strictObject({ a: z.record(z.string(), z.string()) })))).to.equal(false);
  });

  it('finds the JSON in a chatty or fenced answer and names an empty one', () => {
    expect(extractJson(' {"a":1} ')).to.deep.equal({ a: 1 });
    expect(extractJson('Here you go:\n```json\n{"a":2}\n```')).to.deep.equal({ a: 2 });
    expect(extractJson('Sure! {"a":3} Hope it helps')).to.deep.equal({ a: 3 });
    expect(() => extractJson('')).to.throw(/empty/);
    expect(() => extractJson('no json here')).to.throw(/not JSON/);
  });
});

import { expect } from 'chai';
import { LazySchemaCompilers } from './lazy-schema-compilers.js';

describe('LazySchemaCompilers: one Ajv per JSON Schema dialect, made on first use', () => {
  it('compiles draft-07 and draft 2020-12 schemas with the dialect asked for, each Ajv made once', () => {
    const compilers = new LazySchemaCompilers({ strict: false, allErrors: true, logger: false });
    const draft07 = compilers.compilerFor(false);
    expect(compilers.compilerFor(false)).to.equal(draft07);
    const modern = compilers.compilerFor(true);
    expect(modern).to.not.equal(draft07);
    // `prefixItems` exists in 2020-12 only: draft-07's Ajv (strict off) ignores it.
    const schema = { type: 'array', prefixItems: [{ type: 'string' }] };
    expect(modern.compile(schema)([1])).to.equal(false);
    expect(draft07.compile(schema)([1])).to.equal(true);
  });
});

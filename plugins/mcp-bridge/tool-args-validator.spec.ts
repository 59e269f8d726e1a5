import { expect } from 'chai';
import { checkToolArgs } from './tool-args-validator.js';

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    text: { type: 'string' },
    top: { type: 'integer', minimum: 0, maximum: 50 },
    algorithm: { enum: ['sha256', 'md5'] },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['text'],
  additionalProperties: false,
};

describe('mcp-bridge: tool argument validation', () => {
  it('accepts valid arguments', () => {
    expect(checkToolArgs(schema, { text: 'hi', top: 3, tags: ['a'] })).to.deep.equal([]);
  });

  it('names every bad field', () => {
    const issues = checkToolArgs(schema, { top: 'three', algorithm: 'crc', extra: 1, tags: [1] });
    expect(issues).to.deep.include.members([
      { path: 'args.text', message: 'is required' },
      { path: 'args.top', message: 'must be integer' },
      { path: 'args.algorithm', message: 'must be one of "sha256", "md5"' },
      { path: 'args.extra', message: 'is not an argument of this tool' },
      { path: 'args.tags.0', message: 'must be string' },
    ]);
  });

  it('understands draft-07 schemas and a custom prefix', () => {
    const old = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { n: { type: 'number' } }, required: ['n'] };
    expect(checkToolArgs(old, {}, { prefix: 'params.args' })).to.deep.equal([{ path: 'params.args.n', message: 'is required' }]);
  });

  it('at dry run, ignores fields whose value is a template but still reports missing ones', () => {
    const issues = checkToolArgs(schema, { top: '{{ input.top }}', tags: ['{{ nodes.a }}'] }, { skipTemplates: true });
    expect(issues).to.deep.equal([{ path: 'args.text', message: 'is required' }]);
  });

  it('leaves uncompilable schemas to the server', () => {
    expect(checkToolArgs({ type: 'object', properties: { a: { $ref: '#/nowhere' } } }, { a: 1 })).to.deep.equal([]);
  });
});

import { expect } from 'chai';
import { jsonDepth, locateSyntaxError, parseJsonText } from './json-text.js';

describe('parseJsonText', () => {
  it('parses JSON (a byte-order mark too)', () => {
    expect(parseJsonText('\ufeff{"a": [1]}', 'f.json')).to.deep.equal({ a: [1] });
  });

  it('names the file, line and column of a syntax error', () => {
    expect(() => parseJsonText('{\n  "a": 1,\n}', 'plan.json')).to.throw(/plan\.json is not valid JSON at line 3, column 1: /);
    expect(() => parseJsonText('', 'empty.json')).to.throw(/empty\.json is not valid JSON at line 1, column 1: Unexpected end/);
  });

  it('locates errors JSON.parse gives no position for, and gives up on absurd nesting', () => {
    expect(locateSyntaxError('{"a": tru}')).to.equal(9);
    expect(locateSyntaxError('[1, 2')).to.equal(5);
    expect(locateSyntaxError('{"ok": true}')).to.equal(undefined);
    expect(locateSyntaxError('['.repeat(10_000))).to.equal(undefined);
  });
});

describe('jsonDepth', () => {
  it('measures nesting without recursion', () => {
    expect(jsonDepth(1)).to.equal(0);
    expect(jsonDepth({ a: [{ b: 1 }] })).to.equal(3);
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonDepth(deep, 300)).to.equal(300);
  });
});

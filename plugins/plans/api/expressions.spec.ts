import { expect } from 'chai';
import { scopeReferences } from './expressions.js';

describe('scopeReferences', () => {
  const refs = (expression: string) => scopeReferences(expression, 'test').map((r) => `${r.root}${r.name ? `.${r.name}` : ''}`);

  it('finds the names read from the top of the scope', () => {
    expect(refs('nodes.fetch.body.items')).to.deep.equal(['nodes.fetch']);
    expect(refs('$count(nodes.a) > index and input.x = "y"')).to.deep.equal(['nodes.a', 'index', 'input.x']);
    expect(refs('{ "a": nodes.`fetch-data`.body, "b": vars.v }')).to.deep.equal(['nodes.fetch-data', 'vars.v']);
    expect(refs('item')).to.deep.equal(['item']);
  });

  it('ignores names inside filters and blocks, which are relative to the current item', () => {
    expect(refs('nodes.list.items[price > 10 and nodes = 1].name')).to.deep.equal(['nodes.list']);
    expect(refs('$sum(nodes.cart.lines.(price * qty))')).to.deep.equal(['nodes.cart']);
  });

  it('throws the kernel error for an expression that does not compile', () => {
    expect(() => scopeReferences('nodes.(', 'node "x" when')).to.throw(/node "x" when: expression "nodes\.\(" is not a valid expression/);
  });
});

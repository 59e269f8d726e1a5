import { expect } from 'chai';
import type { Plan } from './api/index.js';
import { diffPlans, diffValues } from './plan-diff.js';

const base = (root: unknown, extra: Record<string, unknown> = {}): Plan =>
  ({ id: 'p', name: 'P', goal: 'g', version: 1, createdAt: 't1', createdBy: 'a', root, ...extra }) as Plan;
const leaf = (id: string, params: Record<string, unknown> = {}) => ({ id, type: 'local_task', kind: 'echo', params });

describe('diffPlans', () => {
  it('says two versions with the same content are identical, whatever their provenance', () => {
    const a = base({ id: 's', type: 'sequence', children: [leaf('a')] });
    expect(diffPlans(a, { ...a, version: 2, createdAt: 't2', createdBy: 'b' }).identical).to.equal(true);
  });

  it('reports plan fields, added, removed, moved, changed and reordered nodes by id', () => {
    const a = base({ id: 's', type: 'sequence', children: [leaf('a', { x: 1 }), leaf('b'), { id: 'par', type: 'parallel', children: [leaf('c')] }] });
    const b = base(
      { id: 's', type: 'sequence', children: [leaf('b'), leaf('a', { x: 2 }), { id: 'par', type: 'parallel', children: [leaf('new')] }, leaf('c')] },
      { version: 2, name: 'P2' },
    );
    const diff = diffPlans(a, b);
    expect(diff.identical).to.equal(false);
    expect(diff.plan).to.deep.equal([{ field: 'name', before: 'P', after: 'P2' }]);
    expect(diff.added).to.deep.equal([{ nodeId: 'new', type: 'local_task:echo', parentId: 'par' }]);
    expect(diff.removed).to.deep.equal([]);
    expect(diff.moved).to.deep.equal([{ nodeId: 'c', type: 'local_task:echo', parentId: 's', fromParentId: 'par' }]);
    expect(diff.changed).to.deep.equal([
      { nodeId: 's', type: 'sequence', changes: [{ field: 'children (order)', before: ['a', 'b', 'par'], after: ['b', 'a', 'par', 'c'] }] },
      { nodeId: 'a', type: 'local_task', changes: [{ field: 'params.x', before: 1, after: 2 }] },
    ]);
  });

  it('compares conditions of a conditional, not the nodes inside its branches', () => {
    const cond = (when: string, inner: unknown) => base({ id: 'c', type: 'conditional', branches: [{ when, then: inner }] });
    const diff = diffPlans(cond('a > 1', leaf('x')), cond('a > 2', leaf('x', { y: 1 })));
    expect(diff.changed.map((c) => [c.nodeId, c.changes.map((f) => f.field)])).to.deep.equal([
      ['c', ['branches.0.when']],
      ['x', ['params.y']],
    ]);
  });
});

describe('diffValues', () => {
  it('gives leaf paths, treating arrays of different length as one change', () => {
    expect(diffValues({ a: { b: 1, c: [1, 2] } }, { a: { b: 1, c: [1, 3] } }, '')).to.deep.equal([{ field: 'a.c.1', before: 2, after: 3 }]);
    expect(diffValues([1], [1, 2], 'list')).to.deep.equal([{ field: 'list', before: [1], after: [1, 2] }]);
    expect(diffValues({ a: 1 }, {}, '')).to.deep.equal([{ field: 'a', before: 1 }]);
  });
});

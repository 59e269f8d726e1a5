import { expect } from 'chai';
import type { PlanNode } from '../../plans/api/index.js';
import { compilePlan, stepsOf, type GraphHandlers } from './plan-compiler.js';

const leaf = (id: string): PlanNode => ({ id, type: 'local_task', kind: 'noop', params: {} });
const handlers: GraphHandlers = { leaf: async () => ({}), gate: async () => ({}), route: async () => ({}), loop: async () => ({}) };

describe('plan compiler', () => {
  it('counts the steps one pass can take: sequences add, parallels take their longest branch plus the join', () => {
    const plan: PlanNode = {
      id: 'main',
      type: 'sequence',
      children: [leaf('a'), { id: 'fan', type: 'parallel', children: [leaf('b'), { id: 's', type: 'sequence', children: [leaf('c'), leaf('d')] }] }],
    };
    expect(stepsOf(plan, () => false)).to.equal(1 + 1 + 2);
    expect(stepsOf(plan, (n) => n.id === 'c')).to.equal(1 + 1 + 3);
  });

  it('gives loops maxIterations passes through body and controller, and a conditional inside a parallel its own end step', () => {
    const loop: PlanNode = { id: 'l', type: 'loop', while: 'true', maxIterations: 4, body: leaf('x') };
    expect(stepsOf(loop, () => false)).to.equal(1 + 4 * 2);
    const fan: PlanNode = { id: 'f', type: 'parallel', children: [{ id: 'c', type: 'conditional', branches: [{ when: 'true', then: leaf('y') }] }] };
    expect(stepsOf(fan, () => false)).to.equal(1 + 2 + 1);
  });

  it('builds one flat graph whose internal nodes map back to plan nodes', () => {
    const compiled = compilePlan(
      { id: 'fan', type: 'parallel', children: [leaf('a'), { id: 'c', type: 'conditional', branches: [{ when: 'true', then: leaf('b') }] }] },
      handlers,
      (n) => n.id === 'a',
    );
    const names = Object.keys((compiled.graph as unknown as { nodes: Record<string, unknown> }).nodes).sort();
    expect(names).to.deep.equal(['@a', '@a#gate', '@b', '@c', '@fan#end1', '@fan#join']);
    expect(compiled.planNodeOf('@a#gate')).to.equal('a');
    expect(compiled.planNodeOf('@fan#join')).to.equal('fan');
    expect(compiled.placements.get('b')).to.deep.equal({ loops: [], parallels: ['fan'] });
  });

  it('compiles ids that are state channels or properties of every object (input, nodes, constructor, toString, __start__-like)', () => {
    const ids = ['input', 'nodes', 'loops', 'routes', 'gates', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'branch', 'start', 'end'];
    const compiled = compilePlan(
      { id: 'main', type: 'sequence', children: [...ids.map(leaf), { id: 'prototype', type: 'loop', while: 'false', maxIterations: 1, body: leaf('x') }] },
      handlers,
      (n) => n.id === 'constructor',
    );
    for (const id of ids) expect(compiled.planNodeOf(`@${id}`)).to.equal(id);
    expect(compiled.placements.get('x')).to.deep.equal({ loops: ['prototype'], parallels: [] });
  });
});

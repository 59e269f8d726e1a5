import { expect } from 'chai';
import { countLeaves, defaultFolded, generatePlanTree, GAP, HEADER_H, layoutPlan, LEAF_H, LEAF_W, PAD, type LayoutPlanNode } from './block-layout.js';

const leaf = (id: string): LayoutPlanNode => ({ id, type: 'local_task' });

describe('panels-business: block layout of a plan', () => {
  it('stacks a sequence vertically with edges between consecutive children', () => {
    const layout = layoutPlan({ id: 'root', type: 'sequence', children: [leaf('a'), leaf('b'), leaf('c')] });
    const [root, a, b, c] = layout.nodes;
    expect(root).to.include({ id: 'root', kind: 'group', width: LEAF_W + 2 * PAD, height: HEADER_H + 3 * LEAF_H + 2 * GAP + 2 * PAD });
    expect([a!.y, b!.y, c!.y]).to.deep.equal([HEADER_H + PAD, HEADER_H + PAD + LEAF_H + GAP, HEADER_H + PAD + 2 * (LEAF_H + GAP)]);
    expect(new Set([a!.x, b!.x, c!.x]).size).to.equal(1);
    expect(layout.edges.map((e) => e.id)).to.deep.equal(['a->b', 'b->c']);
    expect(a!.parentId).to.equal('root');
  });

  it('puts parallel and conditional children side by side, labelling branches', () => {
    const layout = layoutPlan({
      id: 'root',
      type: 'conditional',
      branches: [{ when: 'x > 1', then: leaf('big') }],
      else: { id: 'p', type: 'parallel', children: [leaf('l'), leaf('r')] },
    });
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    expect(byId.get('big')!.y).to.equal(byId.get('p')!.y);
    expect(byId.get('p')!.x).to.be.greaterThan(byId.get('big')!.x + LEAF_W);
    expect(byId.get('big')!.branchLabel).to.equal('when x > 1');
    expect(byId.get('p')!.branchLabel).to.equal('else');
    expect(byId.get('r')!.absX).to.equal(byId.get('p')!.absX + byId.get('r')!.x);
  });

  it('lists parents before children (React Flow subflows need it)', () => {
    const layout = layoutPlan(generatePlanTree(300, 7));
    const seen = new Set<string>();
    for (const node of layout.nodes) {
      if (node.parentId) expect(seen.has(node.parentId), `${node.id} after its parent`).to.equal(true);
      seen.add(node.id);
    }
  });

  it('folds a composite into one box and leaves its descendants out', () => {
    const tree: LayoutPlanNode = { id: 'root', type: 'sequence', children: [{ id: 'loop', type: 'loop', body: { id: 's', type: 'sequence', children: [leaf('a'), leaf('b')] } }, leaf('z')] };
    const layout = layoutPlan(tree, new Set(['loop']));
    expect(layout.nodes.map((n) => n.id)).to.deep.equal(['root', 'loop', 'z']);
    expect(layout.nodes[1]).to.include({ kind: 'folded', hiddenLeaves: 2 });
    expect(layout.leafCount).to.equal(3);
  });

  it('opens small plans unfolded and folds deep composites of large ones', () => {
    expect(defaultFolded(generatePlanTree(100, 3)).size).to.equal(0);
    const big = generatePlanTree(1000, 3);
    expect(countLeaves(big)).to.equal(1000);
    const folded = defaultFolded(big);
    expect(folded.size).to.be.greaterThan(0);
    const visible = layoutPlan(big, folded).nodes.length;
    expect(visible).to.be.within(60, 300);
  });

  it('lays out 1000 nodes in a few milliseconds', () => {
    const tree = generatePlanTree(1000, 5);
    const started = performance.now();
    const layout = layoutPlan(tree);
    const elapsed = performance.now() - started;
    expect(layout.leafCount).to.equal(1000);
    expect(elapsed).to.be.lessThan(100);
  });
});

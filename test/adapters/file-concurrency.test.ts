import { expect } from 'chai';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kernel } from '../../kernel/kernel.js';
import { RunService } from '../../plugins/executor/api/index.js';
import { NodeAdapter } from '../../plugins/plans/api/index.js';
import { orchCli } from '../support/adapters-cli.js';
import { callAdapter, ScratchBox, type AdaptersHome } from '../support/adapters-context.js';
import { createTestHome, type TestHome } from '../support/test-home.js';

const ledgerPlan = (id: string, prefix: string, count: number, path = 'ledger.txt') => ({
  id,
  name: `Ledger ${id}`,
  goal: 'append one line per node to one file, all at once',
  root: {
    id: 'all',
    type: 'parallel',
    children: Array.from({ length: count }, (_, i) => ({
      id: `${prefix}${i}`,
      type: 'local_task',
      kind: 'file',
      params: { op: 'append', path, content: `${prefix}${i}\n` },
    })),
  },
});

const linesOf = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter(Boolean).sort();
const expected = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`).sort();

/** Issue 12 §1: appends to one file from parallel nodes, runs and processes all land. */
describe('adapters: file writers of one path take turns', function () {
  this.timeout(240_000);
  let home: TestHome;
  let kernel: Kernel;
  let runs: RunService;

  before(async () => {
    home = await createTestHome({});
    kernel = await home.boot({ only: ['executor', 'adapters-local'] });
    await kernel.start();
    runs = kernel.get<RunService>(RunService);
  });
  after(() => home.cleanup());

  for (const count of [10, 100]) {
    it(`a parallel of ${count} appends keeps all ${count} lines`, async () => {
      const record = await runs.start({ document: ledgerPlan(`ledger-${count}`, `p${count}-`, count, `ledger-${count}.txt`) }, { operator: 'tester', memory: true });
      expect(record.status, record.error).to.equal('completed');
      expect(await linesOf(join(home.dir, 'workspace', `ledger-${count}.txt`))).to.deep.equal(expected(`p${count}-`, count));
    });
  }

  it('two concurrent runs of 10 appends each keep all 20 lines', async () => {
    const [a, b] = await Promise.all([
      runs.start({ document: ledgerPlan('ledger-a', 'a', 10, 'shared.txt') }, { operator: 'tester' }),
      runs.start({ document: ledgerPlan('ledger-b', 'b', 10, 'shared.txt') }, { operator: 'tester' }),
    ]);
    expect([a.status, b.status]).to.deep.equal(['completed', 'completed']);
    expect(await linesOf(join(home.dir, 'workspace', 'shared.txt'))).to.deep.equal([...expected('a', 10), ...expected('b', 10)].sort());
  });

  it('two processes (`orch run:auto`) appending 25 lines each to one file keep all 50', async () => {
    await writeFile(join(home.dir, 'one.json'), JSON.stringify(ledgerPlan('proc-one', 'x', 25, 'two-processes.txt')));
    await writeFile(join(home.dir, 'two.json'), JSON.stringify(ledgerPlan('proc-two', 'y', 25, 'two-processes.txt')));
    const results = await Promise.all([
      orchCli(home.dir, ['run:auto', join(home.dir, 'one.json'), '--memory']),
      orchCli(home.dir, ['run:auto', join(home.dir, 'two.json'), '--memory']),
    ]);
    for (const r of results) expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(await linesOf(join(home.dir, 'workspace', 'two-processes.txt'))).to.deep.equal([...expected('x', 25), ...expected('y', 25)].sort());
  });

  it('leaves no lock or temp file in the workspace', async () => {
    const names = await readdir(join(home.dir, 'workspace'));
    expect(names.filter((n) => n.includes('.lock') || n.includes('.tmp'))).to.deep.equal([]);
  });

  describe('the adapter alone', () => {
    let adapters: AdaptersHome;
    let file: NodeAdapter;
    before(() => {
      file = kernel.container.getAll<NodeAdapter>(NodeAdapter).find((a) => a.kind === 'file')!;
      adapters = { ...home, kernel, adapter: () => file } as unknown as AdaptersHome;
    });
    const call = (params: Record<string, unknown>, options = {}) => callAdapter(adapters, file, params, options) as Promise<Record<string, unknown>>;

    it('appends, writes and copies of one path at once never lose an append', async () => {
      const work: Promise<unknown>[] = [];
      for (let i = 0; i < 40; i++) {
        work.push(call({ op: 'append', path: 'mixed.txt', content: `m${i}\n` }, { nodeId: `m${i}` }));
        if (i % 10 === 0) work.push(call({ op: 'copy', from: 'mixed.txt', to: `mixed-copy-${i}.txt`, overwrite: true }, { nodeId: `c${i}` }).catch(() => undefined));
        if (i % 10 === 5) work.push(call({ op: 'read', path: 'mixed.txt' }, { nodeId: `r${i}` }).catch(() => undefined));
      }
      await Promise.all(work);
      expect(await linesOf(join(home.dir, 'workspace', 'mixed.txt'))).to.deep.equal(expected('m', 40));
    });

    it('an append redone after a crash (same attempt) is not written twice', async () => {
      const scratch = new ScratchBox();
      const first = await call({ op: 'append', path: 'once.txt', content: 'only once\n' }, { scratch });
      const again = await call({ op: 'append', path: 'once.txt', content: 'only once\n' }, { scratch });
      expect(await readFile(join(home.dir, 'workspace', 'once.txt'), 'utf8')).to.equal('only once\n');
      expect(first.size).to.equal(10);
      expect(again.size).to.equal(10);
      const retried = await call({ op: 'append', path: 'once.txt', content: 'only once\n' }, { scratch, attempt: 2 });
      expect(retried.size).to.equal(20);
    });
  });
});

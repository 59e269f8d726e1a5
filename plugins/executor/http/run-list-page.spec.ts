import { expect } from 'chai';
import type { RunRecord } from '../api/index.js';
import { pageOfRuns, toListItem } from './run-list-page.js';

const run = (runId: string, createdAt: string, extra: Partial<RunRecord> = {}): RunRecord => ({
  runId,
  planId: 'p',
  planVersion: 1,
  status: 'completed',
  mode: 'json',
  operator: 'ada',
  inputs: {},
  createdAt,
  updatedAt: createdAt,
  nodes: {},
  ...extra,
});

describe('run list pages', () => {
  it('returns each run exactly once across pages, ties on the creation time broken by run id', () => {
    const records = Array.from({ length: 23 }, (_, i) => run(`run-${String(i).padStart(2, '0')}`, `2026-11-30T10:00:0${i % 3}.000Z`));
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 10; page++) {
      const answer = pageOfRuns(records.map(toListItem), { limit: 4, ...(before ? { before } : {}) });
      seen.push(...answer.runs.map((r) => r.runId));
      if (!answer.nextCursor) break;
      before = answer.nextCursor;
    }
    expect(seen).to.have.length(23);
    expect(new Set(seen).size).to.equal(23);
    const keys = seen.map((id) => [records.find((r) => r.runId === id)!.createdAt, id].join(' '));
    expect(keys).to.deep.equal([...keys].sort().reverse());
  });

  it('counts leaf nodes by status, the ones not reached as pending', () => {
    const record = run('run-x', '2026-11-30T10:00:00.000Z', {
      status: 'running',
      leafCount: 5,
      nodes: { a: { status: 'succeeded', attempts: 1 }, b: { status: 'running', attempts: 2 } },
    });
    expect(pageOfRuns([toListItem(record)], {}).runs[0]!.counts).to.deep.equal({ succeeded: 1, running: 1, pending: 3 });
  });

  it('filters by date range: from inclusive, to exclusive', () => {
    const records = [run('a', '2026-11-29T23:59:59.000Z'), run('b', '2026-11-30T00:00:00.000Z'), run('c', '2026-12-01T00:00:00.000Z')];
    expect(pageOfRuns(records.map(toListItem), { from: '2026-11-30', to: '2026-12-01' }).runs.map((r) => r.runId)).to.deep.equal(['b']);
  });
});

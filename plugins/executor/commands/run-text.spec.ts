import { expect } from 'chai';
import type { RunRecord } from '../api/index.js';
import { outcomeLines } from './run-text.js';

describe('run text: the closing line of a run', () => {
  const completed = (ids: string[]): RunRecord => ({
    runId: 'run-1',
    planId: 'p',
    planVersion: 1,
    status: 'completed',
    mode: 'json',
    operator: 'me',
    inputs: {},
    createdAt: '2026-11-30T10:00:00.000Z',
    updatedAt: '2026-11-30T10:00:01.000Z',
    finishedAt: '2026-11-30T10:00:01.000Z',
    nodes: Object.fromEntries(ids.map((id) => [id, { status: 'succeeded' as const, attempts: 1 }])),
  });

  it('says "(1 node)" and "(2 nodes)"', () => {
    expect(outcomeLines(completed(['a']), false)[0]).to.contain('(1 node).');
    expect(outcomeLines(completed(['a', 'b']), false)[0]).to.contain('(2 nodes).');
  });
});

import { expect } from 'chai';
import type { CommandIO } from '../../../kernel/index.js';
import type { RunRecord } from '../api/index.js';
import { ProgressView } from './progress-view.js';

function record(nodes: RunRecord['nodes']): RunRecord {
  const now = new Date().toISOString();
  return { runId: 'run-1', planId: 'p', planVersion: 1, status: 'running', mode: 'json', operator: 'me', inputs: {}, createdAt: now, updatedAt: now, nodes };
}

describe('ProgressView (plain lines, as in a log)', () => {
  it('prints node changes in columns: time, mark, id padded, detail', () => {
    const lines: string[] = [];
    const io = { json: false, interactive: false, out: (text: string) => lines.push(text), err: () => undefined, printJson: () => undefined, notice: () => undefined } as CommandIO;
    const view = new ProgressView(io);
    const at = '2026-11-30T10:00:00.000Z';
    view.update(record({ a: { status: 'running', attempts: 1, startedAt: at } }));
    view.update(record({ a: { status: 'succeeded', attempts: 1, startedAt: at, finishedAt: at, durationMs: 12 }, 'fetch-report': { status: 'running', attempts: 1, startedAt: at } }));
    expect(lines).to.have.length(3);
    // Ids of different lengths ("a", "fetch-report"): the detail column starts at the same place.
    expect(lines[0]!.indexOf('running')).to.equal(lines[2]!.indexOf('running'));
    expect(lines[1]!.indexOf('12 ms') + '12 ms'.length).to.equal(lines[0]!.indexOf('running') + 7);
  });
});

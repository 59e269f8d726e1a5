import { expect } from 'chai';
import { ATTEMPTS_KEPT, type NodeRunState } from '../api/index.js';
import { closeAttempt, closeOpenAttempt, openAttempt, recordSkip } from './attempt-log.js';

const fresh = (): NodeRunState => ({ status: 'pending', attempts: 0 });

describe('attempt log of a node', () => {
  it('keeps every attempt of every iteration with its outcome and duration', () => {
    const state = fresh();
    openAttempt(state, 1, '0', '2026-11-30T10:00:00.000Z');
    closeAttempt(state, 1, '0', 'retrying', '2026-11-30T10:00:00.250Z', 'boom');
    openAttempt(state, 2, '0', '2026-11-30T10:00:01.000Z');
    closeAttempt(state, 2, '0', 'succeeded', '2026-11-30T10:00:01.100Z');
    openAttempt(state, 1, '1', '2026-11-30T10:00:02.000Z');
    expect(state.attemptLog).to.deep.equal([
      { attempt: 1, iteration: '0', startedAt: '2026-11-30T10:00:00.000Z', finishedAt: '2026-11-30T10:00:00.250Z', durationMs: 250, outcome: 'retrying', error: 'boom' },
      { attempt: 2, iteration: '0', startedAt: '2026-11-30T10:00:01.000Z', finishedAt: '2026-11-30T10:00:01.100Z', durationMs: 100, outcome: 'succeeded' },
      { attempt: 1, iteration: '1', startedAt: '2026-11-30T10:00:02.000Z', outcome: 'running' },
    ]);
  });

  it('reuses the entry when the same attempt runs again after a crash, and records one that failed before it started', () => {
    const state = fresh();
    openAttempt(state, 1, undefined, '2026-11-30T10:00:00.000Z');
    openAttempt(state, 1, undefined, '2026-11-30T10:05:00.000Z');
    expect(state.attemptLog).to.have.length(1);
    expect(state.attemptLog![0]).to.include({ startedAt: '2026-11-30T10:05:00.000Z', outcome: 'running' });
    closeAttempt(state, 1, undefined, 'failed', '2026-11-30T10:05:01.000Z', 'bad');
    closeAttempt(state, 2, undefined, 'failed', '2026-11-30T10:06:00.000Z', 'params invalid');
    expect(state.attemptLog![1]).to.deep.equal({ attempt: 2, startedAt: '2026-11-30T10:06:00.000Z', finishedAt: '2026-11-30T10:06:00.000Z', durationMs: 0, outcome: 'failed', error: 'params invalid' });
  });

  it('records a skip once, closes an open attempt when the run ends, and keeps only the newest attempts', () => {
    const state = fresh();
    recordSkip(state, '3', '2026-11-30T10:00:00.000Z');
    recordSkip(state, '3', '2026-11-30T10:00:09.000Z');
    expect(state.attemptLog!.map((a) => a.outcome)).to.deep.equal(['skipped']);
    openAttempt(state, 1, '4', '2026-11-30T10:01:00.000Z');
    closeOpenAttempt(state, 'cancelled', '2026-11-30T10:01:02.000Z');
    expect(state.attemptLog!.at(-1)).to.include({ outcome: 'cancelled', durationMs: 2000 });

    for (let i = 0; i < ATTEMPTS_KEPT + 10; i++) {
      openAttempt(state, 1, String(100 + i), '2026-11-30T11:00:00.000Z');
      closeAttempt(state, 1, String(100 + i), 'succeeded', '2026-11-30T11:00:00.000Z');
    }
    expect(state.attemptLog).to.have.length(ATTEMPTS_KEPT);
    expect(state.attemptsDropped).to.equal(12);
    expect(state.attemptLog!.at(-1)!.iteration).to.equal(String(100 + ATTEMPTS_KEPT + 9));
  });
});

import { expect } from 'chai';
import {
  backoffDelay,
  describeOutage,
  initialState,
  transition,
  type ConnectionEvent,
  type ConnectionState,
  type Effect,
  type SnapshotInfo,
} from './connection-machine.ts';

/** Runs events through the machine from `state`, collecting every effect. */
function run(state: ConnectionState, events: Array<[ConnectionEvent, number?]>): { state: ConnectionState; effects: Effect[] } {
  const effects: Effect[] = [];
  let now = 0;
  for (const [event, at] of events) {
    if (at !== undefined) now = at;
    const t = transition(state, event, now);
    state = t.state;
    effects.push(...t.effects);
  }
  return { state, effects };
}

const snap = (extra: Partial<SnapshotInfo> = {}): SnapshotInfo => ({
  lastSeq: 10,
  instance: { id: 'i1', pid: 1 },
  replay: 'none',
  bridges: [],
  ...extra,
});
const bridge = (alias: string, state: 'connected' | 'disconnected' | 'reconnecting' | 'connecting', required = true) => ({ alias, state, required, tools: 3 });

function connected(extra: Partial<SnapshotInfo> = {}): ConnectionState {
  return run(initialState(), [[{ type: 'start' }], [{ type: 'socket-opened' }], [{ type: 'snapshot', snapshot: snap(extra) }]]).state;
}

describe('GUI connection state machine', () => {
  it('starts connecting, opens the socket, and is connected only after the snapshot', () => {
    let t = transition(initialState(), { type: 'start' }, 0);
    expect(t.state.phase).to.equal('connecting');
    expect(t.effects).to.deep.equal([{ type: 'open-socket', since: null, instance: null }]);
    t = transition(t.state, { type: 'socket-opened' }, 5);
    expect(t.state.phase).to.equal('connecting');
    t = transition(t.state, { type: 'snapshot', snapshot: snap() }, 10);
    expect(t.state.phase).to.equal('connected');
    expect(t.state.lastSeq).to.equal(10);
    expect(t.effects).to.deep.equal([{ type: 'refresh', mode: 'full' }]);
  });

  it('stays connecting (never connected) while the first attempts fail, with growing backoff', () => {
    const { state, effects } = run(initialState(), [
      [{ type: 'start' }, 0],
      [{ type: 'socket-closed', reason: 'ECONNREFUSED' }, 100],
      [{ type: 'retry-due' }, 600],
      [{ type: 'socket-closed', reason: 'ECONNREFUSED' }, 700],
    ]);
    expect(state.phase).to.equal('connecting');
    expect(state.attempt).to.equal(2);
    expect(state.lastError).to.equal('ECONNREFUSED');
    expect(effects.filter((e) => e.type === 'schedule-retry')).to.deep.equal([
      { type: 'schedule-retry', at: 600 },
      { type: 'schedule-retry', at: 1700 },
    ]);
  });

  it('backoff doubles from 0.5 s and stops at 8 s', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map(backoffDelay)).to.deep.equal([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('goes disconnected when the socket closes, reconnecting while it tries, connected after the snapshot', () => {
    let t = transition(connected(), { type: 'socket-closed', reason: 'code 1006' }, 1000);
    expect(t.state.phase).to.equal('disconnected');
    expect(t.effects).to.deep.equal([{ type: 'schedule-retry', at: 1500 }]);
    t = transition(t.state, { type: 'retry-due' }, 1500);
    expect(t.state.phase).to.equal('reconnecting');
    expect(t.effects).to.deep.equal([{ type: 'open-socket', since: 10, instance: 'i1' }]);
    t = transition(t.state, { type: 'snapshot', snapshot: snap({ lastSeq: 12, replay: 'events' }) }, 1600);
    expect(t.state.phase).to.equal('connected');
    expect(t.effects).to.deep.equal([{ type: 'refresh', mode: 'catch-up' }]);
    expect(t.state.attempt).to.equal(0);
  });

  it('asks for a full refresh when the server instance changed (restart)', () => {
    const { state, effects } = run(connected(), [
      [{ type: 'socket-closed', reason: 'gone' }, 1000],
      [{ type: 'retry-due' }, 1500],
      [{ type: 'snapshot', snapshot: snap({ instance: { id: 'i2' }, lastSeq: 3, replay: 'none' }) }, 1600],
    ]);
    expect(effects.at(-1)).to.deep.equal({ type: 'refresh', mode: 'full' });
    expect(state.instance?.id).to.equal('i2');
    expect(state.lastSeq).to.equal(3);
  });

  it('tracks the newest event seq and resumes from it', () => {
    const { state, effects } = run(connected(), [
      [{ type: 'event', seq: 11 }, 100],
      [{ type: 'event', seq: 14 }, 200],
      [{ type: 'socket-closed', reason: 'x' }, 300],
      [{ type: 'retry-due' }, 800],
    ]);
    expect(state.lastSeq).to.equal(14);
    expect(effects.at(-1)).to.deep.equal({ type: 'open-socket', since: 14, instance: 'i1' });
  });

  it('drops a socket whose declared heartbeats stop', () => {
    let s = connected({ heartbeatMs: 1000 });
    s = transition(s, { type: 'heartbeat' }, 1000).state;
    expect(transition(s, { type: 'tick' }, 3900).state.phase).to.equal('connected');
    const t = transition(s, { type: 'tick' }, 4100);
    expect(t.state.phase).to.equal('disconnected');
    expect(t.state.lastError).to.match(/no heartbeat/);
    expect(t.effects.map((e) => e.type)).to.deep.equal(['close-socket', 'schedule-retry']);
  });

  it('learns the heartbeat period from two heartbeats when the snapshot does not say, and judges silence only then', () => {
    let s = connected();
    // Nothing known yet: silence is not taken as death (a server without heartbeats, or a slow one).
    expect(transition(s, { type: 'tick' }, 60_000).state.phase).to.equal('connected');
    s = transition(s, { type: 'heartbeat' }, 30_000).state;
    expect(transition(s, { type: 'tick' }, 200_000).state.phase).to.equal('connected');
    s = transition(s, { type: 'heartbeat' }, 60_000).state;
    expect(s.heartbeatMs).to.equal(30_000);
    expect(transition(s, { type: 'tick' }, 60_000 + 89_000).state.phase).to.equal('connected');
    expect(transition(s, { type: 'tick' }, 60_000 + 91_000).state.phase).to.equal('disconnected');
  });

  it('is not connected while a required MCP server is down; optional ones do not matter', () => {
    let s = connected({ bridges: [bridge('fs', 'connected'), bridge('extra', 'connected', false)] });
    expect(s.phase).to.equal('connected');
    s = transition(s, { type: 'bridge-changed', alias: 'extra', state: 'disconnected' }, 1).state;
    expect(s.phase).to.equal('connected');
    s = transition(s, { type: 'bridge-changed', alias: 'fs', state: 'disconnected', error: 'process exited' }, 2).state;
    expect(s.phase).to.equal('disconnected');
    const outage = describeOutage(s, 2);
    expect(outage?.title).to.contain('"fs"');
    expect(outage?.detail).to.equal('process exited');
    s = transition(s, { type: 'bridge-changed', alias: 'fs', state: 'reconnecting', attempt: 2, nextRetryAt: '2026-01-01T00:00:05Z' }, 3).state;
    expect(s.phase).to.equal('reconnecting');
    expect(s.bridges[0]?.lastError).to.equal('process exited');
    s = transition(s, { type: 'bridge-changed', alias: 'fs', state: 'connected' }, 4).state;
    expect(s.phase).to.equal('connected');
    expect(s.bridges[0]?.lastError).to.equal(undefined);
  });

  it('counts as connecting when a required MCP server has not connected yet at first contact', () => {
    expect(connected({ bridges: [bridge('fs', 'connecting')] }).phase).to.equal('connecting');
  });

  it('manual Retry tries the socket at once and asks the bridge to reconnect what is down', () => {
    const down = run(connected({ bridges: [bridge('fs', 'connected'), bridge('mem', 'connected')] }), [
      [{ type: 'bridge-changed', alias: 'fs', state: 'reconnecting' }, 50],
      [{ type: 'socket-closed', reason: 'x' }, 100],
    ]).state;
    const t = transition(down, { type: 'manual-retry' }, 200);
    expect(t.state.phase).to.equal('reconnecting');
    expect(t.state.attempt).to.equal(0);
    expect(t.effects).to.deep.equal([
      { type: 'cancel-retry' },
      { type: 'close-socket' },
      { type: 'open-socket', since: 10, instance: 'i1' },
      { type: 'reconnect-bridges', aliases: ['fs'] },
    ]);
    // With the socket up, Retry only concerns the bridge.
    const up = connected({ bridges: [bridge('fs', 'disconnected')] });
    expect(transition(up, { type: 'manual-retry' }, 0).effects).to.deep.equal([{ type: 'reconnect-bridges', aliases: ['fs'] }]);
  });

  it('ignores stale socket news while waiting to retry', () => {
    const waiting = run(connected(), [[{ type: 'socket-closed', reason: 'x' }, 100]]).state;
    expect(transition(waiting, { type: 'socket-closed', reason: 'again' }, 150).effects).to.deep.equal([]);
    expect(transition(waiting, { type: 'snapshot', snapshot: snap() }, 150).state.phase).to.equal('disconnected');
  });

  it('describes the server outage with what to check and when it retries', () => {
    const s = run(connected(), [[{ type: 'socket-closed', reason: 'code 1006' }, 1000]]).state;
    const outage = describeOutage(s, 1000);
    expect(outage?.title).to.match(/lost/);
    expect(outage?.check).to.match(/orch start/);
    expect(outage?.check).to.match(/Next try in 1 s/);
    expect(describeOutage(connected(), 0)).to.equal(null);
  });
});

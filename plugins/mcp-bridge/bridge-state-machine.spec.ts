import { expect } from 'chai';
import { BridgeStateMachine, IllegalTransitionError, isLegalTransition } from './bridge-state-machine.js';

describe('mcp-bridge: connection state machine', () => {
  it('allows the connect / lose / retry cycle', () => {
    const machine = new BridgeStateMachine('sample');
    const path = ['connecting', 'connected', 'disconnected', 'reconnecting', 'disconnected', 'reconnecting', 'connected'] as const;
    const previous = path.map((state) => machine.moveTo(state));
    expect(previous).to.deep.equal([undefined, 'connecting', 'connected', 'disconnected', 'reconnecting', 'disconnected', 'reconnecting']);
    expect(machine.state).to.equal('connected');
  });

  it('refuses illegal moves and keeps its state', () => {
    const machine = new BridgeStateMachine('sample');
    expect(() => machine.moveTo('connected')).to.throw(IllegalTransitionError, 'sample: illegal state change (none) → connected');
    machine.moveTo('connecting');
    expect(() => machine.moveTo('reconnecting')).to.throw(IllegalTransitionError);
    expect(machine.state).to.equal('connecting');
  });

  it('has exactly the documented table', () => {
    const states = ['connecting', 'connected', 'disconnected', 'reconnecting'] as const;
    const legal = [undefined, ...states].flatMap((from) => states.filter((to) => isLegalTransition(from, to)).map((to) => `${from ?? '-'}>${to}`));
    expect(legal).to.deep.equal([
      '->connecting',
      'connecting>connected',
      'connecting>disconnected',
      'connected>disconnected',
      'disconnected>reconnecting',
      'reconnecting>connected',
      'reconnecting>disconnected',
    ]);
  });
});

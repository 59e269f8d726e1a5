import { expect } from 'chai';
import type { PanelInfo } from '../sdk/wire.ts';
import { mainPanels, matchRoute } from './route-match.ts';

const panel = (id: string, order: number, extra: Partial<PanelInfo> = {}): PanelInfo => ({
  id,
  pluginId: 'p',
  pluginVersion: '1.0.0',
  title: id,
  slot: 'main',
  order,
  apiVersion: 1,
  moduleUrl: '/plugins/p/1.0.0/panels.js',
  ...extra,
});

describe('GUI shell: deep links to panels', () => {
  const panels = [panel('runs', 20, { route: 'runs' }), panel('approvals', 10), panel('badge', 1, { slot: 'status' }), panel('plans', 30, { route: 'plans' })];

  it('orders main panels for the navigation and leaves other slots out', () => {
    expect(mainPanels(panels).map((p) => p.id)).to.deep.equal(['approvals', 'runs', 'plans']);
  });

  it('opens the first panel at /, and passes the rest of a deep link to the panel', () => {
    expect(matchRoute('/', panels)?.panel.id).to.equal('approvals');
    expect(matchRoute('/runs/run-1', panels)).to.deep.include({ rest: ['run-1'] });
    expect(matchRoute('/plans/p%2Fx/v/3', panels)?.rest).to.deep.equal(['p/x', 'v', '3']);
    expect(matchRoute('/approvals/a-1', panels)?.panel.id).to.equal('approvals');
  });

  it('answers null for an address no panel serves (and for status panels)', () => {
    expect(matchRoute('/nothing', panels)).to.equal(null);
    expect(matchRoute('/badge', panels)).to.equal(null);
    expect(matchRoute('/', [])).to.equal(null);
  });
});

import { expect } from 'chai';
import type { DryRunReport } from '../api/index.js';
import { renderDryRun } from './dry-run-text.js';
import { terminalStyle } from './terminal-style.js';

describe('renderDryRun', () => {
  const plain = terminalStyle(false);

  it('draws the tree with ✓/✗ per node, each issue under its node with the field, and the verdict', () => {
    const report: DryRunReport = {
      ok: false,
      planId: 'p',
      planName: 'P',
      source: 'p.json',
      issues: [],
      nodeCount: 3,
      errorCount: 1,
      warningCount: 1,
      root: {
        nodeId: 'main',
        type: 'sequence',
        path: 'root',
        ok: true,
        issues: [],
        children: [
          { nodeId: 'ask', type: 'agent_invocation', adapter: 'agent_invocation', riskLevel: 'medium', approval: 'none', path: 'root.children.0', ok: false, issues: [{ path: 'root.children.0.agent', nodeId: 'ask', field: 'agent', message: 'unknown agent "x"', severity: 'error' }], children: [] },
          { nodeId: 'rm', type: 'local_task', adapter: 'local_task:script', riskLevel: 'high', approval: 'required', title: 'Clean up', path: 'root.children.1', ok: true, issues: [{ path: 'root.children.1.params', nodeId: 'rm', field: 'params', message: 'careful', severity: 'warning' }], children: [] },
        ],
      },
    };
    expect(renderDryRun(report, plain)).to.equal(
      [
        'Dry run of plan p "P"  (p.json)',
        '✓ main  sequence',
        '├─ ✗ ask  agent_invocation · medium',
        '│    ✗ agent: unknown agent "x"',
        '└─ ✓ rm  local_task:script · high · needs approval  "Clean up"',
        '     ! params: careful',
        '',
        '✗ 1 error, 1 warning — the plan is not valid',
      ].join('\n'),
    );
  });

  it('says which nodes will pause for approval when the plan is valid', () => {
    const report: DryRunReport = {
      ok: true,
      issues: [],
      nodeCount: 1,
      errorCount: 0,
      warningCount: 0,
      root: { nodeId: 'rm', type: 'local_task', adapter: 'local_task:script', riskLevel: 'high', approval: 'required', ok: true, issues: [], children: [] },
    };
    expect(renderDryRun(report, plain).split('\n').at(-1)).to.equal('✓ valid — 1 node; pauses for approval before rm');
  });
});

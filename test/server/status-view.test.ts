import { expect } from 'chai';
import { ApprovalStatusSection } from '../../plugins/approvals/approval-status-section.js';
import { RunStatusSection } from '../../plugins/executor/http/run-status-section.js';
import { BridgeStatusSection } from '../../plugins/mcp-bridge/bridge-status-section.js';
import type { ServerStatus } from '../../plugins/server/api/index.js';
import { renderStatus as render, type ShownSection } from '../../plugins/server/status-view.js';

/** The sections as the built-in manifests declare them, described by the plugins' own code. */
const sections: ShownSection[] = [
  { name: 'bridges', title: 'Bridge', pluginId: 'mcp-bridge', section: new BridgeStatusSection({} as never) },
  { name: 'runs', title: 'Runs', pluginId: 'executor', section: new RunStatusSection({} as never) },
  { name: 'approvals', title: 'Approvals', pluginId: 'approvals', section: new ApprovalStatusSection({} as never) },
].map(({ section, ...declared }) => ({ ...declared, describe: (value, source) => section.describe(value as never, source) }));
const renderStatus = (status: ServerStatus): string => render(status, sections);

const up: ServerStatus = {
  server: { state: 'up', pid: 42, host: '127.0.0.1', port: 7420, baseUrl: 'http://127.0.0.1:7420', startedAt: '', home: '/h', kernelVersion: '0.1.0', uptimeMs: 3_725_000, wsClients: 1 },
  source: 'server',
  bridges: [
    { alias: 'sample', state: 'connected', transport: 'stdio', required: false, tools: 4, attempt: 0 },
    { alias: 'web', state: 'reconnecting', transport: 'http', required: true, tools: 0, attempt: 3, nextRetryAt: 'T', lastError: 'ECONNREFUSED' },
  ],
  runs: {
    active: [{ runId: 'r1', planId: 'p', planVersion: 2, status: 'waiting_approval', operator: 'ada', createdAt: '', updatedAt: 'U' }],
    counts: { completed: 3, waiting_approval: 1 },
  },
  approvals: { pending: 1 },
  problems: [],
};

describe('server: renderStatus', () => {
  it('shows the server, each alias, the active runs and the approvals, and says it asked the server', () => {
    const text = renderStatus(up);
    expect(text).to.contain('Server     up — http://127.0.0.1:7420 (pid 42, up 1h 2m, 1 event client)');
    expect(text).to.contain('sample  connected    stdio — 4 tools');
    expect(text).to.contain('web     reconnecting http, required — attempt 3, next try T, ECONNREFUSED');
    expect(text).to.contain('1 active; on file: completed 3, waiting_approval 1');
    expect(text).to.contain('r1  p v2  waiting_approval  (updated U)');
    expect(text).to.contain('1 pending — `orch approvals:list` shows them');
    expect(text.trim().split('\n').at(-1)).to.equal('(read through the Orch server’s REST API)');
  });

  it('says the server is down, that it worked on the files, and which plugins are missing', () => {
    const text = renderStatus({ server: { state: 'down', home: '/h', reason: 'no server has been started' }, source: 'direct', bridges: null, runs: null, approvals: null, problems: [{ section: 'runs', message: 'bad file' }] });
    expect(text).to.contain('Server     down — no server has been started').and.contain('start one with `orch start`');
    expect(text).to.contain('(the mcp-bridge plugin is not loaded)').and.contain('(the approvals plugin is not loaded)');
    // The runs section is missing because its state could not be read, not because its plugin is absent.
    expect(text).to.contain('could not be read — bad file').and.not.contain('(the executor plugin is not loaded)');
    expect(text).to.contain('Problem    runs: bad file');
    expect(text).to.contain('(no Orch server running — working on the files directly)');
  });

  it('tells the user to check an MCP server that did not answer a direct probe', () => {
    const text = renderStatus({ ...up, server: { state: 'down', home: '/h', reason: 'x' }, source: 'direct' });
    expect(text).to.contain('check the MCP server');
  });
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { ensureGuiBuilt, launchBrowser, openPage, screenshot, waitFor } from '../gui/gui-harness.js';
import type { OrchProcess } from '../support/server-process.js';
import type { TestHome } from '../support/test-home.js';
import { createMainJobHome, printed, startMainJob, stopGracefully } from './main-job-home.js';

interface RunItem {
  runId: string;
  planId: string;
  status: string;
}
interface RunRecord extends RunItem {
  nodes: Record<string, { status: string; type?: string }>;
}

/**
 * The main job as a newcomer meets it, black-box: `orch start` with the flag `npm start` sets, in a
 * home made from the bundled config. The demo tour of every node type starts once and waits at its
 * one approval, the banner says where; in Debian's Chromium the GUI is inert until its event stream
 * connects (the mission's §6), then one Approve click in the inbox completes the run. Restarts never
 * start a second tour, and `orch start` without the flag never starts one.
 */
describe('acceptance: the main job — demo run, approved in the GUI', function () {
  this.timeout(600_000);
  let browser: Browser;
  let home: TestHome;
  let baseUrl: string;
  let server: OrchProcess | undefined;
  let tourRunId: string;

  async function api<T>(path: string): Promise<T> {
    const response = await fetch(`${baseUrl}/api${path}`);
    expect(response.status, path).to.equal(200);
    return (await response.json()) as T;
  }
  const tours = async () => (await api<{ runs: RunItem[] }>('/runs')).runs.filter((run) => run.planId === 'demo-tour');

  async function start(demoRun: boolean): Promise<OrchProcess> {
    server = startMainJob(home.dir, { demoRun });
    await server.ready(home.dir);
    return server;
  }
  async function stop(): Promise<void> {
    if (server) await stopGracefully(server);
    server = undefined;
  }

  before(async () => {
    ensureGuiBuilt();
    browser = await launchBrowser();
    ({ home, baseUrl } = await createMainJobHome());
  });
  after(async () => {
    await browser?.close();
    await server?.kill();
    await home?.cleanup();
  });

  it('orch start without the flag of npm start starts no demo run and prints no hint', async () => {
    const proc = await start(false);
    await printed(proc, /GUI: http:\S+/);
    expect((await api<{ runs: RunItem[] }>('/runs')).runs).to.deep.equal([]);
    await stop();
    expect(proc.stderr).to.not.contain('example run');
  });

  it('npm start on a server whose own API service points elsewhere: no tour (it could not complete), and the banner says what to change', async () => {
    const services = JSON.parse(await readFile(join(home.dir, 'config/services.json'), 'utf8')) as Record<string, { baseUrl: string }>;
    const right = services['orch-api']!.baseUrl;
    await home.writeConfig('services.json', { ...services, 'orch-api': { ...services['orch-api'], baseUrl: 'http://127.0.0.1:7420/api' } });
    const proc = await start(true);
    await printed(proc, /The demo run was not started: the "orch-api" service of config\/services.json names http:\/\/127\.0\.0\.1:7420\/api/);
    expect(proc.stderr).to.contain(`this server's API is ${baseUrl}/api`);
    expect((await api<{ runs: RunItem[] }>('/runs')).runs).to.deep.equal([]);
    await stop();
    await home.writeConfig('services.json', { ...services, 'orch-api': { ...services['orch-api'], baseUrl: right } });
  });

  it('npm start: the tour starts once, waits at its one approval, and the banner says where; a restart starts no second one', async () => {
    let proc = await start(true);
    const [, runId, inbox] = await printed(proc, /the example run (run-\S+) waits for you → (\S+)/);
    tourRunId = runId!;
    expect(inbox).to.equal(`${baseUrl}/approvals`);
    expect(proc.stderr).to.contain('docs/first-10-minutes.md');
    expect(await tours()).to.have.length(1);
    const waiting = await api<{ run: RunRecord }>(`/runs/${tourRunId}`);
    expect(waiting.run.status).to.equal('waiting_approval');

    await stop();
    proc = await start(true);
    const [, again] = await printed(proc, /the example run (run-\S+) waits for you/);
    expect(again).to.equal(tourRunId);
    expect((await tours()).map((run) => run.runId)).to.deep.equal([tourRunId]);
  });

  it('the GUI is inert until it connects, then one Approve click in the inbox completes the tour of every node type', async () => {
    const { page, problems } = await openPage(browser, '');
    let allow = false;
    await page.routeWebSocket(/\/api\/events/, (ws) => {
      if (allow) ws.connectToServer();
      else ws.close({ code: 1012, reason: 'the test holds the connection' });
    });
    await page.goto(`${baseUrl}/approvals`);
    await page.getByTestId('maintenance-notice').waitFor();
    expect(await page.getByTestId('workspace').getAttribute('inert')).to.not.equal(null);
    expect(await page.getByTestId('nav').getAttribute('inert')).to.not.equal(null);
    expect(await page.getByTestId('connection-state').getAttribute('data-state')).to.equal('connecting');
    await screenshot(page, 'acceptance-main-job-inert');
    // Whatever is on the page, nothing decides while it is not connected.
    await page.getByTestId('approve').click({ force: true, timeout: 2000 }).catch(() => undefined);
    expect((await api<{ run: RunRecord }>(`/runs/${tourRunId}`)).run.status).to.equal('waiting_approval');

    allow = true;
    await page.getByTestId('retry').click({ force: true }); // force: the notice's countdown re-renders every second
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('workspace').getAttribute('inert')).to.equal(null);
    const card = page.getByTestId('approval-card');
    await card.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('approval-card').count()).to.equal(1);
    expect(await card.textContent()).to.contain('Finish the tour?').and.to.contain('demo-tour v1');
    await screenshot(page, 'acceptance-main-job-approval');

    await card.getByTestId('approve').click();
    await page.getByTestId('approval-done').waitFor();
    const finished = await waitFor(
      'the tour to complete',
      async () => {
        const { run } = await api<{ run: RunRecord }>(`/runs/${tourRunId}`);
        return run.status === 'completed' || run.status === 'failed' || run.status === 'needs_attention' ? run : undefined;
      },
      120_000,
    );
    expect(finished.status, JSON.stringify(finished.nodes)).to.equal('completed');
    const leaves = Object.entries(finished.nodes);
    expect(leaves.filter(([, node]) => node.status !== 'succeeded')).to.deep.equal([]);
    // Every leaf but the rejected branch's ran, one of each leaf type the business profile registers.
    expect(Object.keys(finished.nodes)).to.have.members(['check-server', 'stats', 'summary', 'list-plans', 'hash-word', 'record-word', 'save-report', 'review', 'pause', 'list-files']);
    expect(new Set(leaves.map(([, node]) => node.type))).to.deep.equal(new Set(['local_task', 'mcp_tool', 'agent_invocation', 'external_service', 'human_approval']));

    await page.goto(`${baseUrl}/runs/${tourRunId}`);
    await page.locator('[data-testid=run-page][data-run-status=completed]').waitFor();
    // The canvas culls what is off screen: the steps near the top are drawn, the table lists every step.
    for (const id of ['check-server', 'stats', 'summary', 'list-plans']) await page.locator(`[data-node="${id}"][data-status=succeeded]`).first().waitFor();
    await screenshot(page, 'acceptance-main-job-completed');
    await page.getByTestId('tab-nodes').click();
    const table = page.getByTestId('step-table');
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).to.equal(11);
    expect(await table.locator('tbody tr', { hasText: 'branch not taken' }).count()).to.equal(1);
    expect(problems.filter((p) => !p.includes('/api/events')), problems.join('\n')).to.deep.equal([]);
    await page.context().close();
  });

  it('after the tour completed, a restart says so and starts nothing new', async () => {
    await stop();
    const proc = await start(true);
    const [, runId] = await printed(proc, /The example run (run-\S+) has completed/);
    expect(runId).to.equal(tourRunId);
    expect((await tours()).map((run) => run.runId)).to.deep.equal([tourRunId]);
    await stop();
  });
});

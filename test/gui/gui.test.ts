import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { freePort, httpAlias, startHttpPeer, type HttpPeer } from '../support/mcp-peers.js';
import { runOrch } from '../support/server-process.js';
import { approvalPlan, ensureGuiBuilt, GuiServer, HELLO_PANEL_PACKAGE, launchBrowser, nightlySync, openPage, screenshot, waitFor } from './gui-harness.js';

/**
 * The web GUI in Debian's Chromium against a real `orch start` (business profile): the shell, the
 * connection state machine, and the business panels loaded from their plugin at run time.
 */
describe('web GUI in a real browser', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: GuiServer;

  before(async () => {
    ensureGuiBuilt();
    browser = await launchBrowser();
    server = await GuiServer.create();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('is inert with a maintenance notice until the event stream connects, then enabled', async () => {
    const { page, problems } = await openPage(browser, '');
    let allow = false;
    let refused = 0;
    await page.routeWebSocket(/\/api\/events/, (ws) => {
      if (!allow) {
        refused++;
        ws.close({ code: 1012, reason: 'test holds the connection' });
        return;
      }
      ws.connectToServer();
    });
    await page.goto(`${server.baseUrl}/runs`);
    const workspace = page.getByTestId('workspace');
    await page.getByTestId('maintenance-notice').waitFor();
    await waitFor('a refused attempt', () => refused > 0);
    expect(await workspace.getAttribute('inert')).to.not.equal(null);
    expect(await page.getByTestId('nav').getAttribute('inert')).to.not.equal(null);
    expect(await page.getByTestId('connection-state').getAttribute('data-state')).to.equal('connecting');
    await screenshot(page, 'gui-inert-before-connection');
    // A click on the inert navigation does nothing.
    await page.getByTestId('nav').getByText('Plans').click({ force: true, timeout: 2000 }).catch(() => undefined);
    expect(new URL(page.url()).pathname).to.equal('/runs');

    allow = true;
    // force: the notice's countdown re-renders every second; stability is not what is tested here.
    await page.getByTestId('retry').click({ force: true });
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 15_000 });
    expect(await workspace.getAttribute('inert')).to.equal(null);
    expect(await page.getByTestId('maintenance-notice').count()).to.equal(0);
    await page.getByTestId('runs-panel').waitFor();
    await page.getByTestId('nav').getByText('Plans').click();
    await page.getByTestId('plans-panel').waitFor();
    expect(new URL(page.url()).pathname).to.equal('/plans');
    await screenshot(page, 'gui-enabled-after-connection');
    expect(problems.filter((p) => !p.includes('/api/events')), problems.join('\n')).to.deep.equal([]);
    await page.context().close();
  });

  it('approving in the inbox resumes the run; the badge counts live and the canvas turns green', async () => {
    await server.api('POST', '/api/plans', { plan: approvalPlan() });
    const { page, problems } = await openPage(browser, `${server.baseUrl}/approvals`);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 15_000 });
    const badge = page.getByTestId('approvals-badge');
    await badge.getByText('0').waitFor();

    const { run } = await server.api<{ run: { runId: string } }>('POST', '/api/runs', { planId: 'gui-approval' });
    const card = page.getByTestId('approval-card');
    await card.waitFor({ timeout: 20_000 });
    await badge.getByText('1').waitFor();
    expect(await card.textContent()).to.contain('Publish the weekly report?');
    expect(await card.textContent()).to.contain('gui-approval v1');
    await screenshot(page, 'gui-approval-pending');

    await card.getByTestId('approval-comment').fill('Looks right, ship it');
    await card.getByTestId('approve').click();
    await page.getByTestId('approval-done').waitFor();
    await badge.getByText('0').waitFor();
    const finished = await waitFor('the run to complete', async () => {
      const { run: current } = await server.api<{ run: { status: string } }>('GET', `/api/runs/${run.runId}`);
      return current.status === 'completed' ? current : undefined;
    });
    expect(finished.status).to.equal('completed');
    const { approvals } = await server.api<{ approvals: Array<{ runId: string; decision?: { operator: string; comment: string; via: string } }> }>('GET', '/api/approvals?all=true');
    const decision = approvals.find((a) => a.runId === run.runId)?.decision;
    expect(decision).to.include({ comment: 'Looks right, ship it', via: 'gui' });

    await page.goto(`${server.baseUrl}/runs/${run.runId}`);
    await page.locator('[data-testid=run-page][data-run-status=completed]').waitFor();
    for (const id of ['draft', 'review', 'publish']) await page.locator(`[data-node="${id}"][data-status=succeeded]`).waitFor();
    await screenshot(page, 'gui-run-completed-canvas');
    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('run-timeline').waitFor();
    expect(await page.locator('[data-testid=run-timeline] [data-kind=leaf]').count()).to.equal(3);
    await page.getByTestId('tab-nodes').click();
    await page.getByTestId('step-table').waitFor();
    expect(problems, problems.join('\n')).to.deep.equal([]);
    await page.context().close();
  });

  it('shows every panel and deep link without console errors, in light and dark', async () => {
    const { runs } = await server.api<{ runs: Array<{ runId: string }> }>('GET', '/api/runs');
    const runId = runs[0]!.runId;
    const paths = ['/', '/approvals', '/runs', `/runs/${runId}`, '/plans', '/plans/gui-approval', '/plans/gui-approval/v/1', '/plans/new', '/no-such-panel'];
    for (const scheme of ['light', 'dark'] as const) {
      const { page, problems } = await openPage(browser, '', { colorScheme: scheme });
      for (const path of paths) {
        await page.goto(`${server.baseUrl}${path}`);
        await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 15_000 });
        await page.waitForLoadState('networkidle');
        expect(await page.getByTestId('panel-error').count(), `${path}: a panel failed`).to.equal(0);
        expect(await page.locator('html').getAttribute('data-theme')).to.equal(scheme);
      }
      await page.goto(`${server.baseUrl}/approvals`);
      await page.getByText('History').click();
      await page.getByTestId('approval-history').waitFor();
      expect(problems, `${scheme}:\n${problems.join('\n')}`).to.deep.equal([]);
      await page.context().close();
    }
  });

  it("starts a run of a stored plan with the plan's declared inputs", async () => {
    await server.api('POST', '/api/plans', {
      plan: {
        id: 'gui-greeting',
        name: 'Write a greeting',
        goal: 'Write a greeting for someone',
        inputs: { who: { type: 'string', description: 'Whom to greet' }, times: { type: 'number', default: 1 } },
        root: { id: 'write', type: 'local_task', kind: 'file', params: { op: 'write', path: 'gui/greeting.txt', content: 'Hello {{ input.who }} x{{ input.times }}' } },
      },
    });
    const { page, problems } = await openPage(browser, `${server.baseUrl}/plans/gui-greeting`);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 15_000 });
    await page.getByTestId('start-plan-run').click();
    const form = page.getByTestId('start-run-form');
    await form.locator('[data-input=who]').fill('Ada');
    await form.locator('[data-input=times]').fill('3');
    await form.getByTestId('start-run-submit').click();
    await page.getByTestId('run-page').waitFor({ timeout: 20_000 }).catch(async (e) => {
      await screenshot(page, 'gui-start-run-failed');
      throw e;
    });
    await page.locator('[data-testid=run-page][data-run-status=completed]').waitFor({ timeout: 20_000 });
    const runId = new URL(page.url()).pathname.split('/')[2]!;
    const { run } = await server.api<{ run: { inputs: Record<string, unknown> } }>('GET', `/api/runs/${runId}`);
    expect(run.inputs).to.deep.equal({ who: 'Ada', times: 3 });
    expect(problems, problems.join('\n')).to.deep.equal([]);
    await page.context().close();
  });

  it('saves a pasted plan after its dry run, compares versions, rolls back, and draws dry-run errors on the nodes', async () => {
    const { page, problems } = await openPage(browser, `${server.baseUrl}/plans/new`);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 15_000 });
    const broken = approvalPlan('gui-saved') as { root: { children: Array<Record<string, unknown>> } };
    broken.root.children.push({ id: 'ask', type: 'agent_invocation', agent: 'no-such-agent', input: 'hi' });
    await page.getByTestId('plan-json').fill(JSON.stringify(broken));
    await page.getByTestId('check-plan').click();
    await page.locator('[data-testid=dry-run-result][data-ok=false]').waitFor();
    expect(await page.getByTestId('save-plan-button').isDisabled()).to.equal(true);
    await page.locator('[data-node=ask].border-error').waitFor(); // the error is drawn on its node
    await screenshot(page, 'gui-plan-dry-run-errors');

    await page.getByTestId('plan-json').fill(JSON.stringify(approvalPlan('gui-saved')));
    await page.getByTestId('check-plan').click();
    await page.locator('[data-testid=dry-run-result][data-ok=true]').waitFor();
    await page.getByTestId('save-plan-button').click();
    await page.waitForURL(/\/plans\/gui-saved\/v\/1$/);
    const second = approvalPlan('gui-saved') as { name: string };
    second.name = 'Publish the weekly report, v2';
    await server.api('POST', '/api/plans', { plan: second });
    await page.goto(`${server.baseUrl}/plans/gui-saved/v/1`);
    await page.getByTestId('diff').click();
    await page.getByTestId('plan-diff').getByText('Publish the weekly report, v2').waitFor();
    await page.getByTestId('rollback').click();
    await page.waitForURL(/\/plans\/gui-saved\/v\/3$/);
    const { versions } = await server.api<{ versions: Array<{ version: number; active: boolean; origin: string }> }>('GET', '/api/plans/gui-saved/versions');
    expect(versions.find((v) => v.active)).to.include({ version: 3 });
    expect((await server.api<{ name: string }>('GET', '/api/plans/gui-saved')).name).to.equal('Publish the weekly report');
    expect(problems, problems.join('\n')).to.deep.equal([]);
    await page.context().close();
  });

  it('lets the operator be set and sends it with decisions', async () => {
    const { page } = await openPage(browser, `${server.baseUrl}/approvals`);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 15_000 });
    await page.getByTestId('operator').click();
    await page.getByTestId('operator-input').fill('alice');
    await page.getByTestId('operator-input').press('Enter');
    expect(await page.getByTestId('operator').textContent()).to.contain('alice');
    const { run } = await server.api<{ run: { runId: string } }>('POST', '/api/runs', { planId: 'gui-approval' });
    const card = page.locator('[data-testid=approval-card]');
    await card.waitFor({ timeout: 20_000 });
    await card.getByTestId('reject').click();
    await page.getByTestId('approval-done').waitFor();
    const { approvals } = await server.api<{ approvals: Array<{ runId: string; decision?: { operator: string; outcome: string } }> }>('GET', '/api/approvals?all=true');
    expect(approvals.find((a) => a.runId === run.runId)?.decision).to.include({ operator: 'alice', outcome: 'rejected' });
    await page.context().close();
  });
});

describe('web GUI when the server goes away', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: GuiServer;

  before(async () => {
    ensureGuiBuilt();
    browser = await launchBrowser();
    server = await GuiServer.create({ server: { clientHeartbeatMs: 400 } });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a connection that goes silent (no heartbeats) is given up and replaced by itself', async () => {
    const { page, problems } = await openPage(browser, '');
    let silent = false;
    let sockets = 0;
    await page.routeWebSocket(/\/api\/events/, (ws) => {
      sockets++;
      const upstream = ws.connectToServer();
      const mute = silent;
      upstream.onMessage((message) => {
        if (!mute && !silent) ws.send(message);
      });
    });
    await page.goto(`${server.baseUrl}/approvals`);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1500); // a few heartbeats: the GUI learns their period
    silent = true; // the socket stays open but nothing arrives any more (a half-open connection)
    await page.getByTestId('maintenance-notice').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('maintenance-notice').textContent()).to.match(/no heartbeat/);
    silent = false;
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 15_000 });
    expect(sockets).to.be.greaterThan(1);
    expect(problems, problems.join('\n')).to.deep.equal([]);
    await page.context().close();
  });

  it('server killed → maintenance notice, inert → restarted → restores and refreshes by itself', async () => {
    const { page, problems } = await openPage(browser, `${server.baseUrl}/plans`);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 15_000 });
    await page.getByTestId('plans-panel').getByTestId('empty-state').waitFor();

    await server.kill();
    await page.getByTestId('maintenance-notice').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('workspace').getAttribute('inert')).to.not.equal(null);
    expect(['disconnected', 'reconnecting']).to.include(await page.getByTestId('connection-state').getAttribute('data-state'));
    expect(await page.getByTestId('maintenance-notice').textContent()).to.contain('orch start');
    await screenshot(page, 'gui-server-down');

    // While it is down, the CLI stores a plan straight into the files.
    const file = join(server.home, 'stored-while-away.json');
    await writeFile(file, JSON.stringify(approvalPlan('stored-while-away')));
    const saved = await runOrch(['plan:save', file, '--home', server.home]);
    expect(saved.code, saved.stderr).to.equal(0);
    await server.start();
    // No click: the GUI reconnects by itself and refetches what it shows.
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 30_000 });
    await page.locator('[data-plan=stored-while-away]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('workspace').getAttribute('inert')).to.equal(null);
    await screenshot(page, 'gui-server-restored');
    const unexpected = problems.filter((p) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p));
    expect(unexpected, unexpected.join('\n')).to.deep.equal([]);
    await page.context().close();
  });
});

describe('web GUI: a run with retries, loops and parallel branches', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: GuiServer;

  before(async () => {
    ensureGuiBuilt();
    browser = await launchBrowser();
    server = await GuiServer.create();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the retried step and the loop iterations on the timeline and the canvas, and retries the step from the GUI', async () => {
    await server.api('POST', '/api/plans', { plan: nightlySync(1) });
    const { run } = await server.api<{ run: { runId: string; status: string } }>('POST', '/api/runs', { planId: 'nightly-sync', wait: true });
    expect(run.status).to.equal('needs_attention');
    const { page, problems } = await openPage(browser, `${server.baseUrl}/runs/${run.runId}/timeline`);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 15_000 });
    const timeline = page.getByTestId('run-timeline');
    await timeline.waitFor();
    // Three attempts of the failing step, as three bars in its row.
    const reconcile = timeline.locator('[data-row=reconcile]');
    await reconcile.locator('[data-status]').nth(2).waitFor();
    expect(await reconcile.locator('[data-status]').count()).to.equal(3);
    expect(await reconcile.textContent()).to.contain('3×');
    // One row per loop iteration under the loop.
    for (const i of ['0', '1', '2']) await timeline.locator(`[data-row="each-region#${i}"]`).waitFor();
    // Parallel branches as lanes.
    expect(await timeline.locator('[data-row=dedupe]').textContent()).to.contain('lane');
    await screenshot(page, 'gui-run-timeline');

    await page.getByTestId('tab-canvas').click();
    await page.locator('[data-node=reconcile][data-status=needs_attention]').waitFor();
    await page.getByTestId('branch-taken').first().waitFor();
    const picker = page.getByTestId('iteration-picker');
    await picker.selectOption('0');
    await page.locator('[data-node=sync-region] .badge', { hasText: 'iter 0' }).waitFor();
    await screenshot(page, 'gui-run-canvas-iteration');

    await page.getByTestId('retry-node').first().click();
    await waitFor('the fourth attempt', async () => {
      const detail = await server.api<{ node: { attempts: unknown[] } }>('GET', `/api/runs/${run.runId}/nodes/reconcile`);
      return detail.node.attempts.length >= 4;
    });
    // Failed again, the run waits for a person once more — and the page, fed by the run's events
    // (`run.resumed`, then `run.waiting` naming what it waits for), says so.
    await waitFor('the run to wait again', async () => (await server.api<{ run: { status: string } }>('GET', `/api/runs/${run.runId}`)).run.status === 'needs_attention');
    await page.locator('[data-testid=run-page][data-run-status=needs_attention]').waitFor();
    await screenshot(page, 'gui-run-retried-needs-attention');
    expect(problems, problems.join('\n')).to.deep.equal([]);
    await page.context().close();
  });
});

describe('web GUI when a required MCP server goes away', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: GuiServer;
  let peer: HttpPeer | undefined;
  let port: number;

  before(async () => {
    ensureGuiBuilt();
    browser = await launchBrowser();
    port = await freePort();
    peer = await startHttpPeer('sample', port);
    const sample = httpAlias(`http://127.0.0.1:${port}/mcp`, { required: true, heartbeatMs: 300, connectTimeoutMs: 2000, reconnect: { initialMs: 300, factor: 1.5, maxMs: 1000 } });
    server = await GuiServer.create({ config: { 'mcp.servers.json': { sample } } });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await peer?.kill();
  });

  it('MCP server killed → notice naming it, GUI inert → back → enabled again by itself', async () => {
    const { page, problems } = await openPage(browser, `${server.baseUrl}/runs`);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('mcp-status').textContent()).to.contain('MCP 1/1');

    await peer!.kill();
    peer = undefined;
    const notice = page.getByTestId('maintenance-notice');
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).to.contain('Required MCP server "sample"');
    expect(await page.getByTestId('workspace').getAttribute('inert')).to.not.equal(null);
    await page.getByTestId('mcp-status').locator('summary').click();
    await screenshot(page, 'gui-mcp-down');

    peer = await startHttpPeer('sample', port);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('workspace').getAttribute('inert')).to.equal(null);
    expect(await page.getByTestId('maintenance-notice').count()).to.equal(0);
    expect(problems, problems.join('\n')).to.deep.equal([]);
    await page.context().close();
  });
});

describe('web GUI: third-party panels at run time', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: GuiServer;

  before(async () => {
    ensureGuiBuilt();
    browser = await launchBrowser();
    server = await GuiServer.create({ packages: [HELLO_PANEL_PACKAGE] });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("a package's panel appears with no ui/ rebuild, shares the shell's React, and goes when the package is removed; failing panels show a card", async () => {
    const { page, problems } = await openPage(browser, `${server.baseUrl}/`);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 15_000 });
    await page.getByTestId('nav').getByText('Hello').click();
    const hello = page.getByTestId('hello-panel');
    await hello.waitFor();
    await hello.getByTestId('hello-health').getByText(/Server pid \d+/).waitFor();
    await hello.getByTestId('hello-count').click();
    await hello.getByText('Clicked 1').waitFor(); // hooks work: one React shared through the import map
    await screenshot(page, 'gui-third-party-panel');

    await page.getByTestId('nav').getByText('Broken').click();
    await page.getByTestId('panel-error').getByText('this panel fails on purpose').waitFor();
    await page.getByTestId('nav').getByText('Future').click();
    await page.getByTestId('panel-error').getByText(/GUI API version 2/).waitFor();
    await screenshot(page, 'gui-panel-error-card');
    await page.getByTestId('nav').getByText('Runs').click();
    await page.getByTestId('runs-panel').waitFor(); // the shell goes on working

    // Remove the package and restart: the GUI reconnects by itself and the panel is gone.
    await page.goto(`${server.baseUrl}/hello`);
    await hello.waitFor();
    await server.kill();
    await server.setPackages([]);
    await server.start();
    await page.getByTestId('no-panel').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor();
    expect(await page.getByTestId('nav').getByText('Hello').count()).to.equal(0);
    // The only console noise allowed: the panel that fails on purpose, and the restart.
    const unexpected = problems.filter((p) => !/fails on purpose|The above error|WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p));
    expect(unexpected, unexpected.join('\n')).to.deep.equal([]);
    await page.context().close();
  });
});

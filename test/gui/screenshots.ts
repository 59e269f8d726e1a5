// Screenshots of every panel at 1280×800, light and dark, against a real `orch start` with a few
// runs made for the occasion (a pending approval, a decided one, a run that needs a person after
// retries, loops and parallel branches, a 1000-node plan). `npm run screenshots:gui [folder]`
// (default test/artifacts/screens; docs/screenshots holds the set the docs use).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { childrenOf, generatePlanTree, isComposite, type LayoutPlanNode } from '../../plugins/panels-business/gui/src/canvas/block-layout.js';
import { sampleStdio } from '../support/mcp-peers.js';
import { approvalPlan, ARTIFACTS, ensureGuiBuilt, GuiServer, launchBrowser, nightlySync, waitFor } from './gui-harness.js';

const out = process.argv[2] ?? join(ARTIFACTS, 'screens');

function generated(tree: LayoutPlanNode, id: string): Record<string, unknown> {
  const convert = (node: LayoutPlanNode): Record<string, unknown> => {
    if (!isComposite(node)) return { id: node.id, type: 'local_task', kind: 'file', title: `Write part ${node.id}`, params: { op: 'write', path: `parts/${node.id}.txt`, content: node.id } };
    const base = { id: node.id, type: node.type, title: node.title };
    if (node.type === 'loop') return { ...base, forEach: '[1]', maxIterations: 3, body: convert(node.body!) };
    if (node.type === 'conditional') return { ...base, branches: (node.branches ?? []).map((b) => ({ when: 'true', then: convert(b.then) })), ...(node.else ? { else: convert(node.else) } : {}) };
    return { ...base, children: childrenOf(node).map(({ child }) => convert(child)) };
  };
  return { id, name: 'Quarter-end close (1000 steps)', goal: 'A generated plan of 1000 steps: how the canvas opens a big plan', root: convert(tree) };
}

async function settle(page: Page): Promise<void> {
  await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 20_000 });
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
}

async function shoot(browser: Browser, server: GuiServer, scheme: 'light' | 'dark', name: string, path: string, act?: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
  const page = await context.newPage();
  await page.addInitScript(() => (globalThis as unknown as { localStorage: { setItem(key: string, value: string): void } }).localStorage.setItem('orch.operator', 'maria.keller'));
  await page.goto(`${server.baseUrl}${path}`);
  await settle(page);
  await act?.(page);
  await page.screenshot({ path: join(out, `${name}-${scheme}.png`) });
  await context.close();
}

ensureGuiBuilt();
await mkdir(out, { recursive: true });
const server = await GuiServer.create({ config: { 'mcp.servers.json': { sample: sampleStdio({ required: true, description: 'Bundled sample MCP server' }) } } });
const browser = await launchBrowser();
try {
  await server.api('POST', '/api/plans', { plan: approvalPlan('weekly-report') });
  await server.api('POST', '/api/plans', { plan: nightlySync(1) });
  await server.api('POST', '/api/plans', { plan: nightlySync(2) });
  await server.api('POST', '/api/plans', { plan: generated(generatePlanTree(1000, 13), 'quarter-close'), check: false });

  const first = await server.api<{ run: { runId: string } }>('POST', '/api/runs', { planId: 'weekly-report', wait: true });
  const pending = await server.api<{ approvals: Array<{ id: string; runId: string }> }>('GET', `/api/approvals?runId=${first.run.runId}`);
  await server.api('POST', `/api/approvals/${pending.approvals[0]!.id}/decision`, { outcome: 'approved', comment: 'Numbers match the dashboard' });
  await waitFor('the first report run to finish', async () => (await server.api<{ run: { status: string } }>('GET', `/api/runs/${first.run.runId}`)).run.status === 'completed');
  const nightly = await server.api<{ run: { runId: string; status: string } }>('POST', '/api/runs', { planId: 'nightly-sync', wait: true });
  await server.api('POST', '/api/runs', { planId: 'weekly-report', wait: true });
  await server.api('POST', '/api/runs', { planId: 'weekly-report', wait: true });
  console.log(`nightly-sync run ${nightly.run.runId}: ${nightly.run.status}`);

  for (const scheme of ['light', 'dark'] as const) {
    await shoot(browser, server, scheme, 'approvals', '/approvals');
    await shoot(browser, server, scheme, 'approvals-history', '/approvals', async (page) => {
      await page.getByRole('tab', { name: 'History' }).click();
      await page.getByTestId('approval-history').waitFor();
    });
    await shoot(browser, server, scheme, 'runs', '/runs');
    await shoot(browser, server, scheme, 'run-canvas', `/runs/${nightly.run.runId}`, async (page) => {
      await page.locator('[data-node=reconcile]').click();
      await page.getByTestId('node-drawer').getByTestId('attempts').waitFor();
    });
    await shoot(browser, server, scheme, 'run-timeline', `/runs/${nightly.run.runId}/timeline`);
    await shoot(browser, server, scheme, 'run-steps', `/runs/${nightly.run.runId}/nodes`);
    await shoot(browser, server, scheme, 'plans', '/plans');
    await shoot(browser, server, scheme, 'plan-diff', '/plans/nightly-sync/v/1', async (page) => {
      await page.getByTestId('diff').click();
      await page.getByTestId('plan-diff').waitFor();
    });
    await shoot(browser, server, scheme, 'plan-1000', '/plans/quarter-close');
    await shoot(browser, server, scheme, 'plan-save-dry-run', '/plans/new', async (page) => {
      const broken = nightlySync(2) as { root: { children: Array<Record<string, unknown>> } };
      broken.root.children.push({ id: 'ask-agent', type: 'agent_invocation', title: 'Ask the analyst agent', agent: 'no-such-agent', input: 'Summarise' });
      broken.root.children.push({ id: 'call-tool', type: 'mcp_tool', title: 'Call a missing tool', server: 'nowhere', tool: 'x' });
      await page.getByTestId('plan-json').fill(JSON.stringify({ ...broken, id: 'nightly-sync-draft' }, null, 2));
      await page.getByTestId('check-plan').click();
      await page.getByTestId('dry-run-result').waitFor();
      await page.waitForTimeout(300);
    });
    await shoot(browser, server, scheme, 'mcp-status', '/runs', async (page) => {
      await page.getByTestId('mcp-status').locator('summary').click();
    });
  }
  // Last: the maintenance notice — dark with the event stream refused, light with the server killed.
  for (const scheme of ['dark', 'light'] as const) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
    const page = await context.newPage();
    if (scheme === 'dark') await page.routeWebSocket(/\/api\/events/, (ws) => ws.close({ code: 1012, reason: 'service restart' }));
    await page.goto(`${server.baseUrl}/runs`);
    if (scheme === 'light') {
      await settle(page);
      await server.kill();
    }
    await page.getByTestId('maintenance-notice').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(out, `maintenance-${scheme}.png`) });
    await context.close();
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.stop();
}

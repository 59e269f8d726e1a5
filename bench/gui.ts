// GUI figures in headless Chromium (Debian's, through playwright-core) against a real `orch start`:
// navigation → plan canvas visible and interactive for generated plans of 100 and 1000 leaf nodes
// (median of 5 after one warm-up), the heap it takes, the block layout's own time, and how long 200
// live status events take to show on a run's canvas. Targets (issue 14): 100 nodes ≤ 0.5 s,
// 1000 nodes ≤ 2 s.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Page, WebSocketRoute } from 'playwright-core';
import { childrenOf, defaultFolded, generatePlanTree, isComposite, layoutPlan, type LayoutPlanNode } from '../plugins/panels-business/gui/src/canvas/block-layout.js';
import { GuiServer, launchBrowser } from '../test/gui/gui-harness.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The browser globals the in-page snippets use, typed here because the project compiles without the DOM lib. */
interface Page$ {
  document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
  requestAnimationFrame(callback: () => void): number;
  performance: { now(): number };
  __firstInjected?: number;
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number): string => `${Math.round(value)} ms`;

/** A valid plan from the generated tree: every leaf a small file task, loops once, conditionals take the first branch. */
function planFrom(tree: LayoutPlanNode, id: string): Record<string, unknown> {
  const convert = (node: LayoutPlanNode): Record<string, unknown> => {
    if (!isComposite(node)) {
      return { id: node.id, type: 'local_task', kind: 'file', title: `Write ${node.id}`, params: { op: 'write', path: `bench/${node.id}.txt`, content: node.id } };
    }
    const base = { id: node.id, type: node.type, title: node.title };
    switch (node.type) {
      case 'loop':
        return { ...base, forEach: '[1]', maxIterations: 3, body: convert(node.body!) };
      case 'conditional':
        return { ...base, branches: (node.branches ?? []).map((b, i) => ({ when: i === 0 ? 'true' : 'false', then: convert(b.then) })), ...(node.else ? { else: convert(node.else) } : {}) };
      default:
        return { ...base, children: childrenOf(node).map(({ child }) => convert(child)) };
    }
  };
  return { id, name: `Generated plan ${id}`, goal: 'Benchmark the plan canvas', root: convert(tree) };
}

function leafIds(node: LayoutPlanNode, out: string[] = []): string[] {
  if (!isComposite(node)) out.push(node.id);
  else for (const { child } of childrenOf(node)) leafIds(child, out);
  return out;
}

/** Navigation → the root group and a first leaf rendered, the shell connected (not inert), two frames later. */
async function openCanvas(page: Page, url: string, rootId: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(
    (root) => {
      const { document } = globalThis as unknown as Page$;
      return (
        document.querySelector(`[data-testid=plan-canvas] [data-node="${root}"]`) !== null &&
        document.querySelector('[data-testid=plan-canvas] .react-flow__node-leaf') !== null &&
        document.querySelector('[data-testid=workspace]:not([inert])') !== null
      );
    },
    rootId,
    { polling: 'raf', timeout: 30_000 },
  );
  return page.evaluate(() => {
    const w = globalThis as unknown as Page$;
    return new Promise<number>((resolve) => w.requestAnimationFrame(() => w.requestAnimationFrame(() => resolve(w.performance.now()))));
  });
}

if (!existsSync(`${ROOT}/ui/dist/index.html`) || !existsSync(`${ROOT}/plugins/panels-business/gui/dist/panels.js`)) {
  const built = spawnSync('npm', ['run', 'build:ui'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build:ui failed');
}

console.log(`(load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores: figures move with it)`);
const server = await GuiServer.create();
const browser = await launchBrowser();
try {
  const trees = { 100: generatePlanTree(100, 11), 1000: generatePlanTree(1000, 13) };
  for (const [size, tree] of Object.entries(trees)) {
    await server.api('POST', '/api/plans', { plan: planFrom(tree, `bench-${size}`), check: false });
    const layoutTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      layoutPlan(tree, defaultFolded(tree));
      layoutTimes.push(performance.now() - started);
    }
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const url = `${server.baseUrl}/plans/bench-${size}`;
    await openCanvas(page, url, tree.id); // warm-up: the browser caches the immutable modules, as it would for a person
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await openCanvas(page, url, tree.id));
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    const rendered = await page.locator('[data-testid=plan-canvas] .react-flow__node').count();
    const laidOut = Number(await page.getByTestId('plan-canvas').getAttribute('data-nodes'));
    const target = Number(size) <= 100 ? 500 : 2000;
    console.log(
      `canvas, ${size.padStart(4)} leaf nodes: navigation → visible and interactive median ${ms(median(times))} (runs ${times.map(ms).join(', ')}; target ≤ ${target} ms${median(times) <= target ? ', met' : ', MISSED'})`,
    );
    const folded = defaultFolded(tree).size;
    console.log(
      `  ${laidOut} boxes laid out (${folded ? `${folded} deep composites folded` : 'nothing folded'}), ${rendered} rendered after culling; block layout ${median(layoutTimes).toFixed(2)} ms; JS heap ${(heap / 1048576).toFixed(1)} MB`,
    );
    await context.close();
  }

  // 200 live status events (node.started + node.failed or node.flagged for 100 leaves) pushed into a run page's socket.
  const tree = trees[100];
  const { run } = await server.api<{ run: { runId: string; status: string } }>('POST', '/api/runs', { planId: 'bench-100', wait: true });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  let socket: WebSocketRoute | undefined;
  await page.routeWebSocket(/\/api\/events/, (ws) => {
    ws.connectToServer();
    socket = ws;
  });
  await page.goto(`${server.baseUrl}/runs/${run.runId}`);
  await page.locator('[data-testid=plan-canvas] .react-flow__node-leaf').first().waitFor();
  await page.locator('[data-testid=connection-state][data-state=connected]').waitFor();
  // Timestamps the first injected event as the shell hands it to the panels (SDK subscribeEvents),
  // so the GUI's own share is told apart from the injection through the DevTools protocol.
  await page.evaluate(async () => {
    const sdk = (await import('/shared/orch-gui-sdk.js' as string)) as { subscribeEvents: (f: string, h: (e: { seq: number }) => void) => void };
    const w = globalThis as unknown as Page$;
    sdk.subscribeEvents('node', (event) => {
      if (event.seq >= 1_000_000 && w.__firstInjected === undefined) w.__firstInjected = Date.now();
    });
  });
  const leaves = leafIds(tree);
  const eventTimes: number[] = [];
  const guiTimes: number[] = [];
  for (let round = 0; round < 5; round++) {
    const status = round % 2 === 0 ? 'failed' : 'needs_attention';
    const waiting = page.waitForFunction(
      ({ ids, status }) => {
        const { document } = globalThis as unknown as Page$;
        const shown = ids.map((id) => document.querySelector(`[data-testid=plan-canvas] [data-node="${id}"]`)).filter((e) => e !== null);
        return shown.length > 0 && shown.every((e) => e!.getAttribute('data-status') === status) ? Date.now() : false;
      },
      { ids: leaves, status },
      { polling: 'raf', timeout: 10_000 },
    );
    await page.evaluate(() => delete (globalThis as unknown as Page$).__firstInjected);
    const sent = Date.now();
    let seq = 1_000_000 + round * 1000;
    for (const nodeId of leaves) {
      socket!.send(JSON.stringify({ seq: seq++, time: new Date().toISOString(), type: 'node.started', runId: run.runId, nodeId, attempt: 1 }));
      socket!.send(
        JSON.stringify(
          status === 'failed'
            ? { seq: seq++, time: new Date().toISOString(), type: 'node.failed', runId: run.runId, nodeId, attempt: 1, error: 'bench' }
            : { seq: seq++, time: new Date().toISOString(), type: 'node.flagged', runId: run.runId, nodeId, error: 'bench' },
        ),
      );
    }
    const shownAt = (await (await waiting).jsonValue()) as number;
    eventTimes.push(shownAt - sent);
    guiTimes.push(shownAt - (await page.evaluate(() => (globalThis as unknown as Page$).__firstInjected ?? Number.NaN)));
    await page.waitForTimeout(400); // let the debounced record reload settle between rounds
  }
  console.log(
    `live status: 200 events (100 nodes) → every rendered node updated: median ${ms(median(guiTimes))} from the first event reaching the page (${ms(median(eventTimes))} including the test's injection through the DevTools protocol; runs ${guiTimes.map(ms).join(', ')})`,
  );
  await context.close();
} finally {
  await browser.close();
  await server.stop();
}

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ensureGuiBuilt, launchBrowser, openPage } from '../gui/gui-harness.js';
import { createMainJobHome, printed, startMainJob, stopGracefully } from './main-job-home.js';

/**
 * The README's and first-10-minutes' pictures of the demo run, as a newcomer sees it right after
 * `npm start`: the run page with the whole tour on the canvas, waiting at its approval, and the
 * inbox. `node --import tsx/esm test/acceptance/demo-run-screenshots.ts [folder]` (default
 * docs/screenshots); light and dark.
 */
const out = resolve(process.argv[2] ?? 'docs/screenshots');
await mkdir(out, { recursive: true });
ensureGuiBuilt();
const { home, baseUrl } = await createMainJobHome();
const server = startMainJob(home.dir, { demoRun: true });
try {
  await server.ready(home.dir);
  const [, runId] = await printed(server, /the example run (run-\S+) waits for you/);
  const browser = await launchBrowser();
  for (const colorScheme of ['light', 'dark'] as const) {
    const { page } = await openPage(browser, '', { colorScheme });
    // Tall enough for the whole tour at a readable zoom.
    await page.setViewportSize({ width: 1280, height: 1150 });
    await page.goto(`${baseUrl}/runs/${runId}`);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 30_000 });
    await page.locator('[data-node="review"][data-status=waiting_approval]').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500); // the canvas fits the view after its first layout
    await page.screenshot({ path: join(out, `demo-run-${colorScheme}.png`) });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${baseUrl}/approvals`);
    await page.getByTestId('approval-card').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(out, `demo-approval-${colorScheme}.png`) });
    await page.context().close();
  }
  await browser.close();
  console.log(`Wrote demo-run-{light,dark}.png and demo-approval-{light,dark}.png to ${out}`);
} finally {
  await stopGracefully(server);
  await home.cleanup();
}

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../support/mcp-peers.js';
import { OrchProcess } from '../support/server-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** A third-party package with panels (and two that fail on purpose), hand-written, no build. */
export const HELLO_PANEL_PACKAGE = fileURLToPath(new URL('./fixtures/hello-panel', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test', 'artifacts');

/** Debian's chromium (never a downloaded browser); ORCH_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.ORCH_CHROMIUM ?? '/usr/bin/chromium';

/** Builds the shell and the business panels when their output is missing (npm test builds them first). */
export function ensureGuiBuilt(): void {
  const built = existsSync(join(ROOT, 'ui/dist/index.html')) && existsSync(join(ROOT, 'plugins/panels-business/gui/dist/panels.js'));
  if (built) return;
  const result = spawnSync('npm', ['run', 'build:ui'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build:ui failed; the browser tests need ui/dist and plugins/*/gui/dist');
}

/**
 * On a fresh Debian machine without Chromium, the test command installs Debian's package (as root,
 * through apt-get) instead of failing; it never downloads a browser build.
 */
function installDebianChromium(): void {
  if (existsSync(CHROMIUM) || process.env.ORCH_CHROMIUM || !existsSync('/usr/bin/apt-get') || process.getuid?.() !== 0) return;
  console.log("Chromium is missing: installing Debian's package (apt-get install -y chromium)…");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env });
}

export async function launchBrowser(): Promise<Browser> {
  installDebianChromium();
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}. Install Debian's: apt-get update && apt-get install -y chromium (or set ORCH_CHROMIUM). Browsers are never downloaded.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** `orch start` in an isolated home on a fixed loopback port, so a restart comes back at the same URL. */
export class GuiServer {
  proc: OrchProcess | null = null;
  private constructor(
    readonly home: string,
    readonly port: number,
    private readonly plugins: string,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async create(options: { plugins?: string; config?: Record<string, unknown>; server?: Record<string, unknown>; packages?: string[] } = {}): Promise<GuiServer> {
    const home = await mkdtemp(join(tmpdir(), 'orch-gui-'));
    for (const folder of ['config', 'agents-config', 'state', 'logs', 'workspace']) await mkdir(join(home, folder), { recursive: true });
    const port = await freePort();
    const config: Record<string, unknown> = {
      'orch.json': { server: { port, ...options.server }, ...(options.packages ? { plugins: { packages: options.packages } } : {}) },
      ...options.config,
    };
    for (const [name, value] of Object.entries(config)) await writeFile(join(home, 'config', name), `${JSON.stringify(value, null, 2)}\n`);
    const server = new GuiServer(home, port, options.plugins ?? 'business');
    await server.start();
    return server;
  }

  /** Rewrites config/orch.json's plugin packages (takes effect at the next start). */
  async setPackages(packages: string[], server: Record<string, unknown> = {}): Promise<void> {
    await writeFile(join(this.home, 'config', 'orch.json'), `${JSON.stringify({ server: { port: this.port, ...server }, plugins: { packages } }, null, 2)}\n`);
  }

  async start(): Promise<void> {
    this.proc = OrchProcess.start(this.home, ['--plugins', this.plugins]);
    await this.proc.ready(this.home);
  }

  /** SIGKILL: no goodbye to the WebSocket clients, like a crash. */
  async kill(): Promise<void> {
    await this.proc?.kill();
    this.proc = null;
  }

  async stop(): Promise<void> {
    await this.kill();
    await rm(this.home, { recursive: true, force: true });
  }

  async api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-orch-operator': 'gui-test' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await response.json()) as T;
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${JSON.stringify(data)}`);
    return data;
  }
}

export interface WatchedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  problems: string[];
}

export async function openPage(browser: Browser, url: string, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: options.colorScheme ?? 'light' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  if (url) await page.goto(url);
  return { page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A small plan: a file step, a person's approval, another file step. */
export function approvalPlan(id = 'gui-approval'): Record<string, unknown> {
  return {
    id,
    name: 'Publish the weekly report',
    goal: 'Write the report, have a person approve it, then publish it',
    root: {
      id: 'main',
      type: 'sequence',
      children: [
        { id: 'draft', type: 'local_task', kind: 'file', title: 'Write the draft', params: { op: 'write', path: 'gui/draft.txt', content: 'draft' } },
        { id: 'review', type: 'human_approval', title: 'Publish the weekly report?', prompt: 'The draft is in gui/draft.txt. Approve to publish it.' },
        { id: 'publish', type: 'local_task', kind: 'file', title: 'Publish', params: { op: 'write', path: 'gui/published.txt', content: 'published' } },
      ],
    },
  };
}

const script = (id: string, title: string, command: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'local_task',
  kind: 'script',
  title,
  params: { command, shell: true },
  waiveApproval: 'a demonstration step that only prints',
  ...extra,
});

/** Scripts, a loop over three regions inside a parallel, a conditional, and a step that keeps failing (3 attempts). */
export function nightlySync(version: 1 | 2): Record<string, unknown> {
  return {
    id: 'nightly-sync',
    name: 'Nightly customer sync',
    goal: 'Pull the customer changes of every region, reconcile them, and report; a person looks at anything that keeps failing',
    root: {
      id: 'nightly',
      type: 'sequence',
      title: 'Nightly sync',
      children: [
        script('fetch', 'Fetch the change feed', 'sleep 0.3; echo 1200 changes'),
        {
          id: 'regions',
          type: 'parallel',
          title: 'All regions at once',
          children: [
            {
              id: 'each-region',
              type: 'loop',
              title: 'One pass per region',
              forEach: '["eu", "us", "asia"]',
              maxIterations: 10,
              body: script('sync-region', 'Sync the region', 'sleep 0.2; echo synced'),
            },
            script('dedupe', 'Remove duplicate customers', 'sleep 0.4; echo 17 merged', { riskLevel: 'medium' }),
            script('index', version === 1 ? 'Rebuild the search index' : 'Rebuild the search index (incremental)', 'sleep 0.25; echo indexed'),
          ],
        },
        {
          id: 'big-change',
          type: 'conditional',
          title: 'Many changes?',
          branches: [{ when: 'true', then: script('notify', 'Tell the account team', 'echo notified') }],
          else: script('quiet', 'Nothing to tell', 'echo quiet'),
        },
        script('reconcile', 'Reconcile with billing', 'echo "billing API answered 503" >&2; exit 3', { retry: { maxAttempts: 3, backoffMs: 200, factor: 1 } }),
        { id: 'publish-report', type: 'local_task', kind: 'file', title: 'Write the report', params: { op: 'write', path: 'reports/nightly.txt', content: 'done' } },
      ],
    },
  };
}


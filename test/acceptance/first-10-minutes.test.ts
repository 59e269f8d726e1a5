import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { ensureGuiBuilt, launchBrowser, openPage, waitFor } from '../gui/gui-harness.js';
import type { TestHome } from '../support/test-home.js';
import { createMainJobHome, ROOT } from './main-job-home.js';

const PAGE = join(ROOT, 'docs', 'first-10-minutes.md');
/** The page marks the one step it takes in the browser with this comment. */
const BROWSER_STEP = '<!-- first-10-minutes test: approve the waiting run in the GUI -->';
/** Commands that keep running (the page says so); the test starts them and reads their output as it comes. */
const LONG_RUNNING = new Set(['npm start']);

type Step = { kind: 'command'; command: string; expected: string[] } | { kind: 'approve-in-gui' };

/**
 * The page's steps in order: each `$ …` line of an `sh` block with the lines printed under it, and the
 * browser step where its marker stands. `bash` blocks (the one-time `npm ci`) are left out.
 */
function stepsOf(markdown: string): Step[] {
  const steps: Step[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === BROWSER_STEP) steps.push({ kind: 'approve-in-gui' });
    if (lines[i] !== '```sh') continue;
    let step: Extract<Step, { kind: 'command' }> | undefined;
    for (i++; i < lines.length && lines[i] !== '```'; i++) {
      const line = lines[i]!;
      if (line.startsWith('$ ')) steps.push((step = { kind: 'command', command: line.slice(2), expected: [] }));
      else if (step && line.trim()) step.expected.push(line);
    }
  }
  return steps;
}

/** Spaces collapsed; `…` in the page stands for anything. */
function lineMatcher(expected: string): RegExp {
  const normal = expected.trim().replace(/\s+/g, ' ');
  return new RegExp(`^${normal.split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function missingLines(expected: string[], output: string): string[] {
  const printed = output.split('\n').map((line) => line.trim().replace(/\s+/g, ' '));
  return expected.filter((line) => !printed.some((out) => lineMatcher(line).test(out)));
}

/** Sends a signal to a process group; false when none of it is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * docs/first-10-minutes.md, executed as written: every command of its `sh` blocks runs from the
 * project folder in a shell, against a temporary home (ORCH_HOME) whose server listens on a free port
 * (the page's 7420 is read as that port), and must exit 0 and print the lines the page shows under
 * it. `npm start` runs in the background for the rest of the page; at the page's browser step the
 * demo run is approved in Chromium, by one click, as the page tells the reader to.
 */
describe('acceptance: docs/first-10-minutes.md, command by command', function () {
  this.timeout(900_000);
  let home: TestHome;
  let port: number;
  let baseUrl: string;
  let browser: Browser | undefined;
  const background: { child: ChildProcess; output: string; exited: Promise<number | null> }[] = [];

  before(async () => {
    ensureGuiBuilt();
    ({ home, port, baseUrl } = await createMainJobHome());
  });
  after(async () => {
    await browser?.close();
    for (const proc of background) {
      // npm start runs in a process group of its own: stop all of it, as Ctrl-C in its terminal would.
      signalGroup(proc.child.pid!, 'SIGTERM');
      await proc.exited;
      // The shell goes at once; Orch stops gracefully a moment later. Wait until the whole group is gone.
      await waitFor('npm start to stop', () => !signalGroup(proc.child.pid!, 0), 60_000);
    }
    await home?.cleanup();
  });

  const env = () => ({ ...process.env, ORCH_HOME: home.dir, NO_COLOR: '1', ORCH_DEMO_RUN: undefined });
  const expectedHere = (lines: string[]) => lines.map((line) => line.replaceAll('127.0.0.1:7420', `127.0.0.1:${port}`));

  function run(command: string): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve) => {
      const child = spawn('sh', ['-c', command], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk));
      child.on('exit', (code) => resolve({ code, output }));
    });
  }

  async function startInBackground(command: string, expected: string[]): Promise<void> {
    const child = spawn('sh', ['-c', command], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const proc = { child, output: '', exited: new Promise<number | null>((resolve) => child.once('exit', resolve)) };
    child.stdout!.on('data', (chunk: Buffer) => (proc.output += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (proc.output += chunk));
    background.push(proc);
    // A build may come first (npm start builds what is stale), then the banner.
    await waitFor(
      `"${command}" to print the lines the page shows`,
      () => (child.exitCode !== null ? Promise.reject(new Error(`"${command}" exited (${child.exitCode}):\n${proc.output}`)) : missingLines(expected, proc.output).length === 0),
      600_000,
    );
  }

  async function approveInGui(): Promise<void> {
    browser ??= await launchBrowser();
    const { page, problems } = await openPage(browser, `${baseUrl}/approvals`);
    await page.locator('[data-testid=connection-state][data-state=connected]').waitFor({ timeout: 30_000 });
    const card = page.getByTestId('approval-card');
    await card.waitFor({ timeout: 30_000 });
    expect(await card.textContent()).to.contain('Finish the tour?');
    await card.getByTestId('approve').click();
    await page.getByTestId('approval-done').waitFor();
    await waitFor(
      'the demo run to complete',
      async () => {
        const { runs } = (await (await fetch(`${baseUrl}/api/runs`)).json()) as { runs: { planId: string; status: string }[] };
        return runs.some((r) => r.planId === 'demo-tour' && r.status === 'completed');
      },
      120_000,
    );
    expect(problems, problems.join('\n')).to.deep.equal([]);
    await page.context().close();
  }

  it('every step works as written', async () => {
    const steps = stepsOf(await readFile(PAGE, 'utf8'));
    const commands = steps.flatMap((s) => (s.kind === 'command' ? [s.command] : []));
    expect(commands, 'the page starts the main job first').to.have.property('0', 'npm start');
    expect(steps.filter((s) => s.kind === 'approve-in-gui')).to.have.length(1);
    expect(commands.length).to.be.greaterThan(5);

    for (const step of steps) {
      if (step.kind === 'approve-in-gui') {
        await approveInGui();
        continue;
      }
      const expected = expectedHere(step.expected);
      if (LONG_RUNNING.has(step.command)) {
        await startInBackground(step.command, expected);
        continue;
      }
      const { code, output } = await run(step.command);
      expect(code, `$ ${step.command}\n${output}`).to.equal(0);
      expect(missingLines(expected, output), `$ ${step.command} printed:\n${output}\nwithout the lines`).to.deep.equal([]);
    }
  });
});

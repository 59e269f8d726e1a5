import type { CommandIO } from '../../../kernel/index.js';
import type { NodeRunState, RunRecord } from '../api/index.js';
import { bold, clock, dim, nodeDetail, nodeMark, progressCounts, runStatusText } from './run-text.js';

/** Leaf lines shown at most in the live view; the rest is summed up in the counts line. */
const MAX_LIVE_LINES = 14;
const REDRAW_MS = 100;

/**
 * Shows a run's progress from successive snapshots of its record. On a terminal it redraws a block
 * in place (header, the nodes that matter now, counts); otherwise — a pipe, a CI log — it prints
 * one plain line per node change, so logs read in order. With `--json` it shows nothing (the
 * command prints the final record).
 */
export class ProgressView {
  private previous = new Map<string, string>();
  private drawnLines = 0;
  private idWidth = 14;
  private timer?: NodeJS.Timeout;
  private latest?: RunRecord;
  private readonly started = Date.now();

  constructor(private readonly io: CommandIO) {}

  /** What the run looked like before this command acted (so only what changes is printed). */
  seed(record: RunRecord): void {
    for (const [id, node] of Object.entries(record.nodes)) this.previous.set(id, signatureOf(node));
  }

  update(record: RunRecord): void {
    if (this.io.json) return;
    this.latest = record;
    if (!this.io.interactive) {
      this.printChanges(record);
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.latest) this.redraw(this.latest);
    }, REDRAW_MS);
  }

  /** Final state: the last redraw (terminal) or the last changes (plain). */
  finish(record: RunRecord): void {
    if (this.io.json) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.io.interactive) this.redraw(record);
    else this.printChanges(record);
  }

  private printChanges(record: RunRecord): void {
    // One column per field, so a log reads like a table: the id column is as wide as the longest
    // id seen so far (at least 14, at most 28 characters); it only ever grows.
    this.idWidth = Math.min(28, Math.max(this.idWidth, ...Object.keys(record.nodes).map((id) => id.length)));
    for (const [id, node] of Object.entries(record.nodes)) {
      const signature = signatureOf(node);
      if (this.previous.get(id) === signature) continue;
      this.previous.set(id, signature);
      if (node.status === 'pending') continue;
      const at = clock(node.finishedAt && node.status !== 'running' ? node.finishedAt : node.startedAt) || clock(new Date().toISOString());
      this.io.out(`${dim(at)}  ${nodeMark(node.status)} ${id.padEnd(this.idWidth)}  ${nodeDetail(node)}`);
    }
  }

  private redraw(record: RunRecord): void {
    const lines = this.block(record);
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[J` : '';
    process.stdout.write(`${up}${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  private block(record: RunRecord): string[] {
    const elapsed = ((Date.now() - this.started) / 1000).toFixed(1);
    const header = `${bold(record.planName ?? record.planId)} v${record.planVersion} · run ${record.runId} · ${runStatusText(record.status)} · ${elapsed} s`;
    const entries = Object.entries(record.nodes);
    const active = (n: NodeRunState) => ['running', 'retrying', 'waiting_approval', 'needs_attention', 'failed'].includes(n.status);
    let shown = entries;
    if (entries.length > MAX_LIVE_LINES) {
      const now = entries.filter(([, n]) => active(n));
      const recent = entries.filter(([, n]) => !active(n)).slice(-Math.max(3, MAX_LIVE_LINES - now.length));
      shown = [...recent, ...now].slice(-MAX_LIVE_LINES);
    }
    const width = Math.min(28, Math.max(4, ...shown.map(([id]) => id.length)));
    const columns = process.stdout.columns || 100;
    const nodeLines = shown.map(([id, node]) => clip(`  ${nodeMark(node.status)} ${id.padEnd(width)}  ${nodeDetail(node)}`, columns));
    return [header, ...nodeLines, `  ${progressCounts(record)}`];
  }
}

function signatureOf(node: NodeRunState): string {
  return `${node.status}:${node.attempts}:${node.completions ?? 0}`;
}

/** Cuts a line to the terminal width so the redraw never wraps (escape codes are not counted). */
function clip(line: string, columns: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\x1b') {
      const end = line.indexOf('m', i);
      out += line.slice(i, end + 1);
      i = end;
      continue;
    }
    if (visible >= columns - 1) break;
    out += line[i];
    visible++;
  }
  return out;
}

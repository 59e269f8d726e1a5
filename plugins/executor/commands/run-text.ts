import type { NodeRunState, NodeStatus, RunListItem, RunRecord, RunStatus } from '../api/index.js';

/** How runs and nodes read in a terminal: symbols, colours (unless NO_COLOR or not a TTY), times. */

const useColor = (): boolean => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const paint = (code: number, text: string): string => (useColor() ? `\x1b[${code}m${text}\x1b[39m` : text);
export const green = (t: string) => paint(32, t);
export const red = (t: string) => paint(31, t);
export const yellow = (t: string) => paint(33, t);
export const cyan = (t: string) => paint(36, t);
export const dim = (t: string): string => (useColor() ? `\x1b[2m${t}\x1b[22m` : t);
export const bold = (t: string): string => (useColor() ? `\x1b[1m${t}\x1b[22m` : t);

const NODE_MARKS: Record<NodeStatus, [string, (t: string) => string]> = {
  pending: ['·', dim],
  running: ['▶', cyan],
  succeeded: ['✓', green],
  failed: ['✗', red],
  retrying: ['↻', yellow],
  waiting_approval: ['⏸', yellow],
  needs_attention: ['⚑', red],
  skipped: ['⤼', dim],
  cancelled: ['■', dim],
};

export function nodeMark(status: NodeStatus): string {
  const [mark, color] = NODE_MARKS[status];
  return color(mark);
}

export function runStatusText(status: RunStatus): string {
  switch (status) {
    case 'completed':
      return green(status);
    case 'failed':
    case 'blocked':
    case 'needs_attention':
      return red(status);
    case 'waiting_approval':
      return yellow(status);
    case 'running':
      return cyan(status);
    default:
      return dim(status);
  }
}

export function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** `12 s ago`, `3 min ago`, `2 h ago`, else the date. */
export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '';
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return iso.slice(0, 16).replace('T', ' ');
}

export function clock(iso: string | undefined): string {
  return iso ? new Date(iso).toTimeString().slice(0, 8) : '';
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** What a node's line says after its name. */
export function nodeDetail(node: NodeRunState): string {
  switch (node.status) {
    case 'running':
      return node.attempts > 1 ? `running (attempt ${node.attempts})` : 'running';
    case 'succeeded':
      return `${duration(node.durationMs).padStart(7)}${node.outputSummary ? `  ${dim(truncate(node.outputSummary, 80))}` : ''}`.trimEnd() || 'done';
    case 'retrying':
      if (node.attemptsBeforeRetry === node.attempts && node.decidedBy) return `retry decided by ${node.decidedBy}`;
      return `failed (attempt ${node.attempts}), retrying: ${truncate(node.error ?? '', 80)}`;
    case 'needs_attention':
      return `needs attention after ${node.attempts} attempt(s): ${truncate(node.error ?? '', 80)}`;
    case 'waiting_approval':
      return 'waits for approval';
    case 'skipped':
      return `skipped${node.decidedBy ? ` by ${node.decidedBy}` : ''}`;
    case 'failed':
      return `failed: ${truncate(node.error ?? '', 100)}`;
    default:
      return node.status;
  }
}

/** `3/12 done · 2 running · 1 waiting` */
export function progressCounts(record: RunRecord | RunListItem): string {
  const counts = 'counts' in record ? record.counts : undefined;
  const nodes = 'nodes' in record ? Object.values(record.nodes) : [];
  const count = (...statuses: NodeStatus[]) =>
    counts ? statuses.reduce((sum, s) => sum + (counts[s] ?? 0), 0) : nodes.filter((n) => statuses.includes(n.status)).length;
  const done = count('succeeded', 'skipped');
  // Out of how many is shown while the run goes on; a finished run may have skipped branches.
  const finished = ['completed', 'failed', 'cancelled'].includes(record.status);
  const parts = [`${done}${record.leafCount && !finished ? `/${record.leafCount}` : ''} done`];
  const running = count('running', 'retrying');
  if (running) parts.push(`${running} running`);
  const queued = 'queued' in record ? (record.queued?.length ?? 0) : 0;
  if (queued) parts.push(`${queued} queued for a slot`);
  const waiting = count('waiting_approval');
  if (waiting) parts.push(`${waiting} waiting for approval`);
  const flagged = count('needs_attention', 'failed');
  if (flagged) parts.push(red(`${flagged} failed`));
  return parts.join(' · ');
}

/**
 * The closing lines of `run:auto`, `run:resume` and `run:replay`: what happened and what a person
 * can do next. `viaServer`: the server resumes runs by itself once an approval is decided.
 */
export function outcomeLines(record: RunRecord, viaServer: boolean): string[] {
  const id = record.runId;
  const took = record.finishedAt ? ` in ${duration(Date.parse(record.finishedAt) - Date.parse(record.createdAt))}` : '';
  const memoryNote = record.mode === 'memory' ? [dim('  (memory mode: this run cannot be resumed once this command ends)')] : [];
  switch (record.status) {
    case 'completed':
      return [`${green('✓')} Run ${bold(id)} completed${took} (${plural(Object.keys(record.nodes).length, 'node')}).`];
    case 'waiting_approval': {
      const lines = [`${yellow('⏸')} Run ${bold(id)} waits for approval:`];
      for (const a of record.waitingFor?.approvals ?? []) lines.push(`  - ${a.nodeId}: ${a.title}  (approval ${a.approvalId})`);
      const first = record.waitingFor?.approvals[0]?.approvalId ?? '<id>';
      lines.push(`  Decide: orch approvals:approve ${first}  |  orch approvals:reject ${first} --comment "why"`);
      lines.push(viaServer ? '  The server resumes the run as soon as it is decided.' : `  Then:   orch run:resume ${id}  (or start \`orch start\`, which resumes it by itself)`);
      return [...lines, ...memoryNote];
    }
    case 'needs_attention': {
      const lines = [`${red('⚑')} Run ${bold(id)} needs attention:`];
      for (const a of record.waitingFor?.attention ?? []) {
        const node = record.nodes[a.nodeId];
        lines.push(`  - node ${a.nodeId} failed ${node?.attempts ?? '?'} time(s): ${truncate(a.error, 160)}`);
      }
      for (const a of record.waitingFor?.approvals ?? []) lines.push(`  - ${a.nodeId} also waits for approval ${a.approvalId}`);
      const node = record.waitingFor?.attention[0]?.nodeId ?? '<node>';
      lines.push('  The suggested remedy is in .codex/operations-log.md. Once fixed:');
      lines.push(`    orch run:resume ${id} --retry-node ${node}   |   --skip-node ${node}   |   orch run:cancel ${id}`);
      return [...lines, ...memoryNote];
    }
    case 'failed':
      return [`${red('✗')} Run ${bold(id)} failed: ${record.error ?? 'unknown error'}`, dim(`  \`orch run:status ${id}\` shows each node; \`orch run:replay ${id} --from <node>\` runs it again from a checkpoint.`)];
    case 'blocked':
      return [`${red('■')} Run ${bold(id)} is blocked: ${record.error ?? ''}`];
    case 'cancelled':
      return [`■ Run ${bold(id)} was cancelled${record.error ? ` (${record.error})` : ''}.`];
    case 'running':
      return [`Run ${bold(id)} stopped at a checkpoint before finishing; continue it with \`orch run:resume ${id}\`.`];
  }
}

/** Exit status for scripts: 0 done, 2 waiting for a person, 1 anything else. */
export function exitCodeOf(record: RunRecord): number {
  if (record.status === 'completed') return 0;
  if (record.status === 'waiting_approval' || record.status === 'needs_attention') return 2;
  return 1;
}

/** `1 node`, `3 nodes`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

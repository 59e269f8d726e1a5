import type { ServerStatus } from '../../kernel/index.js';

const DIM = (text: string): string => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[2m${text}\u001b[22m` : text);
const LABEL_WIDTH = 11;

/** `orch status` as a person reads it: one block per concern, the mode said plainly. */
export function renderStatus(status: ServerStatus): string {
  const lines: string[] = [];
  const block = (label: string, rows: string[]): void => {
    rows.forEach((row, i) => lines.push(`${(i === 0 ? label : '').padEnd(LABEL_WIDTH)}${row}`));
  };
  const server = status.server;
  if (server.state === 'up') {
    block('Server', [
      `up — ${server.baseUrl} (pid ${server.pid}, up ${formatDuration(server.uptimeMs)}, ${server.wsClients} event client${server.wsClients === 1 ? '' : 's'})`,
    ]);
  } else {
    block('Server', [`down — ${server.reason}`, 'start one with `orch start`']);
  }

  if (status.bridges === null) block('Bridge', ['(the mcp-bridge plugin is not loaded)']);
  else if (status.bridges.length === 0) block('Bridge', ['no MCP servers configured (config/mcp.servers.json)']);
  else {
    const width = Math.max(...status.bridges.map((b) => b.alias.length));
    block(
      'Bridge',
      status.bridges.map((b) => {
        const extra =
          b.state === 'connected'
            ? `${b.tools} tool${b.tools === 1 ? '' : 's'}`
            : [b.attempt > 0 ? `attempt ${b.attempt}` : '', b.nextRetryAt ? `next try ${b.nextRetryAt}` : '', b.lastError ?? ''].filter(Boolean).join(', ');
        return `${b.alias.padEnd(width)}  ${b.state.padEnd(12)} ${b.transport}${b.required ? ', required' : ''}${extra ? ` — ${extra}` : ''}`;
      }),
    );
    if (status.source === 'direct' && status.bridges.some((b) => b.state !== 'connected')) {
      const note = status.bridges.some((b) => b.lastError)
        ? 'check the MCP server: it did not answer this command'
        : 'as seen by this command, which holds no MCP session; `orch status --probe` tries to connect';
      lines.push(`${''.padEnd(LABEL_WIDTH)}${DIM(`(${note})`)}`);
    }
  }

  if (status.runs === null) block('Runs', ['(the executor plugin is not loaded)']);
  else {
    const totals = Object.entries(status.runs.counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([s, n]) => `${s} ${n}`)
      .join(', ');
    const active = status.runs.active.slice(0, 10).map((r) => `${r.runId}  ${r.planId} v${r.planVersion}  ${r.status}  (updated ${r.updatedAt})`);
    const more = status.runs.active.length > 10 ? [`… and ${status.runs.active.length - 10} more (orch run:list)`] : [];
    block('Runs', [`${status.runs.active.length} active${totals ? `; on file: ${totals}` : '; none on file'}`, ...active, ...more]);
  }

  if (status.approvals === null) block('Approvals', ['(the approvals plugin is not loaded)']);
  else {
    const n = status.approvals.pending;
    block('Approvals', [n === 0 ? 'none pending' : `${n} pending — \`orch approvals:list\` shows them`]);
  }

  for (const problem of status.problems) lines.push(`${'Problem'.padEnd(LABEL_WIDTH)}${problem.section}: ${problem.message}`);
  lines.push(
    DIM(status.source === 'server' ? '(read through the Orch server’s REST API)' : '(no Orch server running — working on the files directly)'),
  );
  return lines.join('\n');
}

function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

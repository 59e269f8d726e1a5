import type { ServerStatus } from './api/index.js';

/** A section to show: from the manifests, with the describing code when this process loaded it. */
export interface ShownSection {
  name: string;
  title: string;
  pluginId: string;
  describe?(value: unknown, source: ServerStatus['source']): string[];
}

export const DIM = (text: string): string => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[2m${text}\u001b[22m` : text);
const LABEL_WIDTH = 11;

/** `orch status` as a person reads it: one block per concern, the mode said plainly. */
export function renderStatus(status: ServerStatus, sections: readonly ShownSection[]): string {
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

  for (const section of sections) {
    const value = status[section.name];
    const broken = status.problems.find((p) => p.section === 'plugins' && p.message.startsWith(`${section.pluginId} `));
    // A section whose plugin is loaded but could not read its state (a malformed file) says so, not "not loaded".
    const unreadable = status.problems.find((p) => p.section === section.name);
    if ((value === null || value === undefined) && broken) block(section.title, [`(the ${section.pluginId} plugin did not start — see Problem below)`]);
    else if ((value === null || value === undefined) && unreadable) block(section.title, [`could not be read — ${firstSentence(unreadable.message)} (see Problem below)`]);
    else if (value === null || value === undefined) block(section.title, [`(the ${section.pluginId} plugin is not loaded)`]);
    else if (section.describe) block(section.title, section.describe(value, status.source));
    else block(section.title, [JSON.stringify(value)]);
  }

  for (const problem of status.problems) lines.push(`${'Problem'.padEnd(LABEL_WIDTH)}${problem.section}: ${problem.message}`);
  lines.push(
    DIM(status.source === 'server' ? '(read through the Orch server’s REST API)' : '(no Orch server running — working on the files directly)'),
  );
  return lines.join('\n');
}

/** The head of a long error: up to the first field problem (the Problem line has it all). */
function firstSentence(message: string): string {
  const cut = message.indexOf('; ');
  return cut > 0 && cut < 240 ? `${message.slice(0, cut)}; …` : message.length > 240 ? `${message.slice(0, 239)}…` : message;
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

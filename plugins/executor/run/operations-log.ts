import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { withFileLock } from '../../../kernel/index.js';

export interface FlaggedNodeEntry {
  time: string;
  runId: string;
  planId: string;
  planVersion: number;
  nodeId: string;
  attempts: number;
  error: string;
  operator: string;
}

/**
 * `<home>/.codex/operations-log.md`: the remediation record the mission asks for. Every node the
 * executor hands to a person (three failed attempts) gets an entry with what failed and what to do.
 * Appended under the file's inter-process lock, so entries from the server and CLI never interleave.
 */
export class OperationsLog {
  constructor(readonly file: string) {}

  async recordFlaggedNode(entry: FlaggedNodeEntry): Promise<void> {
    const text = [
      `## ${entry.time} — run ${entry.runId}: node ${entry.nodeId} needs attention`,
      '',
      `- plan: ${entry.planId} v${entry.planVersion}`,
      `- attempts: ${entry.attempts}`,
      `- error: ${oneLine(entry.error)}`,
      `- suggested remedy: ${suggestRemedy(entry.error)}`,
      `- then: \`orch run:resume ${entry.runId} --retry-node ${entry.nodeId}\`, or \`--skip-node ${entry.nodeId}\` to go on without it, or \`orch run:cancel ${entry.runId}\``,
      `- operator: ${entry.operator}`,
      '',
      '',
    ].join('\n');
    await mkdir(dirname(this.file), { recursive: true });
    await withFileLock(this.file, () => appendFile(this.file, text, 'utf8'));
  }
}

/** A first thing to check, judged from the error text (the log has the details). */
export function suggestRemedy(error: string): string {
  const text = error.toLowerCase();
  if (/timed out|timeout|etimedout/.test(text)) return 'the node timed out: check that the service it calls is up and fast enough, or raise the node\'s timeoutMs';
  if (/econnrefused|enotfound|ehostunreach|socket hang up|fetch failed|unreachable|unavailable/.test(text)) {
    return 'a service or MCP server could not be reached: start it (check config/services.json, config/mcp.servers.json and `orch status`)';
  }
  if (/\b(401|403)\b|unauthori[sz]ed|forbidden|api key|permission denied|eacces/.test(text)) return 'access was refused: check the credentials (environment variables) or file permissions the node uses';
  if (/\b404\b|not found|enoent/.test(text)) return 'something the node refers to does not exist: check its parameters (paths, URLs, tool and agent names)';
  const agent = /agent "([^"]+)" (?:gave no json answer for its output schema|answered, but the answer does not match the output schema)/i.exec(error);
  if (agent) {
    return `agent "${agent[1]}" answered in a shape its output schema does not allow: the plan is not at fault — make the agent's instructions say exactly what to answer with (or loosen its output schema) in agents-config/${agent[1]}.json (\`orch agents:config:show ${agent[1]}\`), or the node's outputSchema; then retry the node`;
  }
  if (/invalid|schema|expected|required/.test(text)) return "the node's parameters or inputs are invalid: fix the plan (orch plan:dry-run) and save a new version";
  return 'read the node\'s log lines in logs/app.jsonl (filter by runId and nodeId) and fix the cause';
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 500 ? `${flat.slice(0, 497)}...` : flat;
}

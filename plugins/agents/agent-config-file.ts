import { basename } from 'node:path';
import { formatFieldIssues, OrchError, toFieldIssues, type FieldIssue } from '../../kernel/index.js';
import { AgentConfigSchema, type AgentConfig } from './api/index.js';

/**
 * Parses the text of an agent file. `label` names the file in messages (e.g. `agents-config/x.json`).
 * With `requireFileName`, the agent's name must match the file name, since `<name>.json` is how the
 * registry, the Meta Agent and `agents:config:remove` find an agent's file.
 */
export function parseAgentConfig(text: string, label: string, options: { requireFileName?: boolean } = {}): AgentConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new OrchError('invalid_input', `${label} is not valid JSON: ${(error as Error).message}`, { file: label });
  }
  return validateAgentConfig(data, label, options);
}

export function validateAgentConfig(data: unknown, label: string, options: { requireFileName?: boolean } = {}): AgentConfig {
  const parsed = AgentConfigSchema.safeParse(data);
  if (!parsed.success) throw invalid(label, toFieldIssues(parsed.error));
  if (options.requireFileName) {
    const expected = basename(label).replace(/\.json$/i, '');
    if (parsed.data.name !== expected) {
      throw invalid(label, [{ path: 'name', message: `"${parsed.data.name}" does not match the file name; rename the file to ${parsed.data.name}.json or the agent to "${expected}"` }]);
    }
  }
  return parsed.data;
}

/** The file content for a config: the fields in schema order, defaults written out so the file says everything. */
export function agentFileContent(config: AgentConfig): Record<string, unknown> {
  return AgentConfigSchema.parse(config);
}

function invalid(label: string, issues: FieldIssue[]): OrchError {
  return new OrchError('invalid_input', `${label} is invalid: ${formatFieldIssues(issues)}`, { file: label, issues });
}

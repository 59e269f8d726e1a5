import type { AgentConfig, RegisteredAgent } from '../../kernel/index.js';

/** One line of `agents:config:list` and `GET /api/agents`. */
export interface AgentSummary {
  name: string;
  version: string;
  description: string;
  /** `provider/model`, with `default` for what `config/models.json` decides. */
  model: string;
  tools: string[];
  riskLevel: AgentConfig['riskLevel'];
  maxTurns: number;
  structuredOutput: boolean;
  handoffs: string[];
  /** `agents-config/<name>.json`, or `memory` for an agent registered without a file. */
  source: string;
  loadedAt: string;
}

export function summarize(agent: RegisteredAgent, label: (file: string) => string): AgentSummary {
  const { config } = agent;
  return {
    name: config.name,
    version: config.version,
    description: config.description,
    model: `${config.model.provider ?? 'default'}/${config.model.name ?? 'default'}`,
    tools: config.tools.map((t) => ('mcp' in t ? `mcp:${t.mcp}${t.allow ? `(${t.allow.join(',')})` : '(all)'}` : `function:${t.function}`)),
    riskLevel: config.riskLevel,
    maxTurns: config.maxTurns,
    structuredOutput: config.outputSchema !== undefined,
    handoffs: config.handoffs,
    source: agent.file ? label(agent.file) : 'memory',
    loadedAt: agent.loadedAt,
  };
}

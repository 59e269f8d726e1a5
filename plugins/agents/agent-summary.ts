import type { AgentConfig, RegisteredAgent } from './api/index.js';
import { effectiveModel, type ModelsConfig } from './models-config.js';

/** One line of `agents:config:list` and `GET /api/agents`. */
export interface AgentSummary {
  name: string;
  version: string;
  description: string;
  /** `provider/model` the agent runs on (defaults filled in from `config/models.json`). */
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

export function summarize(agent: RegisteredAgent, label: (file: string) => string, models: ModelsConfig): AgentSummary {
  const { config } = agent;
  const model = effectiveModel(models, { provider: config.model.provider, model: config.model.name });
  return {
    name: config.name,
    version: config.version,
    description: config.description,
    model: `${model.provider}/${model.model}`,
    tools: config.tools.map((t) => ('mcp' in t ? `mcp:${t.mcp}${t.allow ? `(${t.allow.join(',')})` : '(all)'}` : `function:${t.function}`)),
    riskLevel: config.riskLevel,
    maxTurns: config.maxTurns,
    structuredOutput: config.outputSchema !== undefined,
    handoffs: config.handoffs,
    source: agent.file ? label(agent.file) : 'memory',
    loadedAt: agent.loadedAt,
  };
}

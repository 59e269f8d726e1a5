import type { AgentSummary, RegisteredAgent } from './api/index.js';
import { effectiveModel, type ModelsConfig } from './models-config.js';

/** One line of `agents:config:list` and `GET /api/agents` (schema: `AgentSummarySchema`). */
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

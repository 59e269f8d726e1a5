import type { RunRecord } from '../../executor/api/index.js';
import type { Plan } from '../api/index.js';
import type { DesignCatalog } from './design-catalog.js';

/**
 * The Designer's instructions: how Orch plans work (the rules the dry run enforces) and what this
 * installation offers. The Plan JSON Schema itself goes to the model as the structured output.
 */
export function designSystemPrompt(catalog: DesignCatalog): string {
  return [
    'You design plans for Orch, which runs them unattended from start to end. Answer with one plan as a JSON object matching the Plan schema.',
    '',
    'How plans work:',
    '- "root" is one node. Composite nodes: sequence (children run one after another), parallel (children run at the same time; maxConcurrency 1-10), conditional (branches [{ "when": condition, "then": node }], optional "else"; the first true condition wins), loop (a "body" node; exactly one of "while" (condition) or "forEach" (array expression); "maxIterations" is required).',
    '- Leaf nodes: local_task ("kind" + "params"), agent_invocation ("agent" + "input"), mcp_tool ("server" alias + "tool" + "args"), external_service ("service" + "operation" { method, path } + "request"), human_approval ("title" + "prompt").',
    '- Every node has an "id" unique in the plan (a letter, then letters, digits, "_" or "-") and a short "title".',
    '- Conditions and mappings are JSONata expressions (not JavaScript) over { input, nodes, vars, item, index }: input.<name> is a plan input (declare it under the plan\'s "inputs"); nodes.<id> is the output of a LEAF node that has already finished — never a composite node, a later node, the node itself, a sibling in the same parallel or a node in another branch of the same conditional; vars.<name> is one of the node\'s own "inputs" mappings; item and index exist inside a forEach loop body. Write ids containing "-" with back-ticks: nodes.`fetch-data`.body.',
    '- In params, args, input and request strings, {{ expression }} inserts a value; a string that is only {{ expression }} becomes that value with its type.',
    '- Risk: a node whose risk is high or critical pauses for a person\'s approval. Never set "requiresApproval": false on such a node unless "waiveApproval" says why it is safe.',
    '- Keep plans small and direct. Use only the node kinds, agents, MCP tools and services listed below, with their exact names and parameters.',
    '',
    'Leaf nodes available (risk; "+" = depends on the params):',
    ...catalog.nodeTypes.map((t) => `- ${t.key} (${t.defaultRiskLevel}${t.riskDependsOnParams ? '+' : ''}): ${t.description}${t.paramsSchema ? `\n  ${t.type === 'local_task' ? 'params' : 'fields'}: ${compactSchema(t.paramsSchema)}` : ''}`),
    '',
    'Agents (agent_invocation "agent"; the answer is nodes.<id>.output):',
    ...(catalog.agents.length ? catalog.agents.map((a) => `- ${a.name} (risk ${a.riskLevel}): ${a.description}`) : ['- none: do not use agent_invocation']),
    '',
    'MCP servers and tools (mcp_tool "server" and "tool"; the result is nodes.<id>.text and nodes.<id>.structured):',
    ...(catalog.mcpServers.length
      ? catalog.mcpServers.flatMap((s) =>
          s.unreachable
            ? [`- ${s.alias}: not reachable now (${s.unreachable}); avoid it`]
            : [`- ${s.alias}:`, ...s.tools.map((t) => `  - ${t.name}(${compactSchema(t.args)}): ${firstSentence(t.description)}`)],
        )
      : ['- none: do not use mcp_tool']),
    ...(catalog.services.length
      ? ['', 'External services (external_service "service"):', ...catalog.services.map((s) => `- ${s.name}: ${s.description}`)]
      : []),
  ].join('\n');
}

export function designPrompt(goal: string, planId: string | undefined): string {
  return [
    `Business goal: ${goal}`,
    '',
    planId ? `Use "${planId}" as the plan id.` : 'Choose a short plan id (lower-case letters, digits, "-").',
    'Put the business goal above in "goal", give the plan a clear "name", and design the nodes that reach the goal.',
  ].join('\n');
}

export function replanPrompt(plan: Plan, run: RunRecord | undefined, feedback: string | undefined): string {
  const { createdAt: _createdAt, createdBy: _createdBy, version: _version, ...document } = plan;
  const lines = [
    `Business goal: ${plan.goal}`,
    '',
    `The current plan (version ${plan.version}):`,
    JSON.stringify(document),
  ];
  if (run) lines.push('', ...describeRun(run));
  if (feedback) lines.push('', `Feedback from the operator: ${feedback}`);
  lines.push(
    '',
    `Produce the next version of this plan: keep the id "${plan.id}" and the goal, fix what failed, follow the feedback, and keep the parts that worked unchanged.`,
  );
  return lines.join('\n');
}

/** What happened in a run, node by node, as a person would tell it. */
export function describeRun(run: RunRecord): string[] {
  const lines = [`What happened in run ${run.runId} of version ${run.planVersion}: ${run.status}${run.error ? ` — ${run.error}` : ''}.`];
  for (const [nodeId, state] of Object.entries(run.nodes)) {
    const attempts = state.attempts > 1 ? ` after ${state.attempts} attempts` : '';
    const detail = state.error ? `: ${state.error}` : state.outputSummary ? ` (output: ${state.outputSummary})` : '';
    lines.push(`- ${nodeId}: ${state.status}${attempts}${detail}`);
  }
  for (const wait of run.waitingFor?.attention ?? []) lines.push(`- ${wait.nodeId} needs a person: ${wait.error}`);
  return lines;
}

/** `text*: string, top: integer` — the argument names and types of a JSON Schema object, briefly. */
export function compactSchema(schema: Record<string, unknown>): string {
  const variants = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[] | undefined;
  if (Array.isArray(variants)) return variants.map((v) => `{ ${compactSchema(v)} }`).join(' | ');
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown; enum?: unknown[]; const?: unknown }>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const parts = Object.entries(properties).map(([name, p]) => {
    const type = p.const !== undefined ? JSON.stringify(p.const) : Array.isArray(p.enum) ? p.enum.map((v) => JSON.stringify(v)).join('|') : Array.isArray(p.type) ? p.type.join('|') : String(p.type ?? 'any');
    return `${name}${required.has(name) ? '*' : ''}: ${type}`;
  });
  return parts.join(', ') || '(none)';
}

function firstSentence(text: string): string {
  const line = text.split('\n')[0]!.trim();
  const end = line.search(/[.!?]\s/);
  return end > 0 ? line.slice(0, end + 1) : line;
}

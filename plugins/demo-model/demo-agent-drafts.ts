import { DEMO_LABEL, keywordsOf, slugOf } from './demo-text.js';

/**
 * The demo model as the Meta Agent: an agent config draft (the Meta Agent's draft shape) from the
 * description, with MCP tools whose names or descriptions share words with it, an output schema
 * when the description asks for labels or fields, and "[demo model]" in the description.
 */
export function demoAgentDraft(prompt: string): Record<string, unknown> {
  const description = /Description of the agent to write:\n([\s\S]*?)\n\n/.exec(`${prompt}\n\n`)?.[1]?.trim() ?? prompt.trim();
  const name = /Its name must be "([a-z][a-z0-9_-]*)"/.exec(prompt)?.[1] ?? slugOf(description, 3);
  const wanted = keywordsOf(description);
  const tools: { kind: 'mcp'; name: string; allow: string[] }[] = [];
  for (const [alias, offered] of toolsOffered(prompt)) {
    const allow = offered.filter((t) => [...keywordsOf(`${t.name} ${t.description}`)].some((w) => wanted.has(w) && !GENERIC.has(w))).map((t) => t.name);
    if (allow.length > 0) tools.push({ kind: 'mcp', name: alias, allow });
  }
  const structured = /\b(categor|classif|label|score|rate|triage|fields|structured|json)/i.test(description);
  const toolLine = tools.length
    ? ` Call ${tools.flatMap((t) => t.allow).join(', ')} first to get exact results; never guess what a tool can tell you.`
    : '';
  const answerLine = structured ? ' Answer with the JSON object only: a label, a confidence between 0 and 1 and a one-line reason.' : ' Answer in at most three plain sentences.';
  return {
    name,
    description: `${DEMO_LABEL} ${description.length > 300 ? `${description.slice(0, 297)}…` : description}`,
    instructions: `You are an agent that does this: ${description.replace(/[.\s]*$/, '.')}${toolLine}${answerLine}`,
    model: { provider: null, name: null },
    tools,
    outputSchemaJson: structured
      ? JSON.stringify({
          type: 'object',
          properties: { label: { type: 'string' }, confidence: { type: 'number', minimum: 0, maximum: 1 }, reason: { type: 'string' } },
          required: ['label', 'confidence', 'reason'],
          additionalProperties: false,
        })
      : null,
    maxTurns: tools.length ? 6 : 3,
    riskLevel: 'low',
    handoffs: [],
  };
}

/** Words too common to choose a tool by. */
const GENERIC = new Set(['returns', 'value', 'given', 'number', 'seconds', 'lists', 'most']);

function toolsOffered(prompt: string): Map<string, { name: string; description: string }[]> {
  const out = new Map<string, { name: string; description: string }[]>();
  let alias: string | undefined;
  for (const line of prompt.split('\n')) {
    const server = /^MCP server "([^"]+)" tools:/.exec(line);
    const tool = /^ {2}- ([A-Za-z0-9_.-]+): ?(.*)$/.exec(line);
    if (server) {
      alias = server[1]!;
      out.set(alias, []);
    } else if (tool && alias) out.get(alias)!.push({ name: tool[1]!, description: tool[2] ?? '' });
    else alias = undefined;
  }
  return out;
}

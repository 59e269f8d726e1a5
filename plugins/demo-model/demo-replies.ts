import { demoAgentDraft } from './demo-agent-drafts.js';
import { demoPlan } from './demo-plans.js';
import { keywordsOf, labelled, leadSentences, sentencesOf, wordCount } from './demo-text.js';
import { valueFor, type AnswerContext } from './json-from-schema.js';

/** The parts of a Chat Completions request the demo model reads. */
export interface ChatRequest {
  model?: string;
  messages?: { role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function?: { name: string; description?: string; parameters?: unknown } }[];
  response_format?: { type: string; json_schema?: { name?: string; schema?: unknown } };
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

export interface DemoReply {
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
}

/**
 * What the demo model answers — a pure function of the request, so the same request always gets
 * the same answer: the Designer gets a plan, the Meta Agent an agent config draft, an agent with
 * tools calls the tool its instructions name (once), a structured answer is filled in from the
 * schema, and text is the first sentences of the input. Every text starts with "[demo model]".
 */
export function demoReply(request: ChatRequest): DemoReply {
  const messages = request.messages ?? [];
  const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => textOf(m.content)).join('\n');
  const users = messages.filter((m) => m.role === 'user').map((m) => textOf(m.content));
  const firstUser = users[0] ?? '';
  const lastUser = users.at(-1) ?? '';
  const repairing = messages.some((m) => m.role === 'assistant') && /is not valid:/.test(lastUser);

  if (system.startsWith('You design plans for Orch')) return json(demoPlan(system, firstUser, repairing));
  if (system.startsWith("You are Orch's Meta Agent")) return json(demoAgentDraft(firstUser));

  // Tool results since the last user message; the demo calls each chosen tool once.
  const lastUserIndex = messages.map((m) => m.role).lastIndexOf('user');
  const toolResults = messages.slice(lastUserIndex + 1).filter((m) => m.role === 'tool').map((m) => textOf(m.content));
  const tools = (request.tools ?? []).filter((t) => t.type === 'function' && t.function);
  if (tools.length > 0 && toolResults.length === 0) {
    const chosen = chooseTool(tools.map((t) => t.function!), system);
    if (chosen) {
      const args = toolArgs(chosen.parameters, lastUser);
      return { content: null, toolCalls: [{ id: `call_demo_${messages.length}`, name: chosen.name, arguments: JSON.stringify(args) }] };
    }
  }

  const context: AnswerContext = { input: lastUser, toolResults };
  const schema = request.response_format?.type === 'json_schema' ? request.response_format.json_schema?.schema : undefined;
  if (schema) return json(valueFor(schema, context));
  if (request.response_format?.type === 'json_object') return json({ answer: textAnswer(system, context) });
  return { content: textAnswer(system, context), toolCalls: [] };
}

function json(value: unknown): DemoReply {
  return { content: JSON.stringify(value), toolCalls: [] };
}

/** Text answers: what the tools said, and the first sentences of the input (the "summary"). */
function textAnswer(system: string, context: AnswerContext): string {
  const input = context.input.trim();
  const parts: string[] = [];
  for (const result of context.toolResults) parts.push(describeToolResult(result));
  if (!input) parts.push('There was no text to work on.');
  else if (/summar|shorten|condense|brief/i.test(system) || context.toolResults.length === 0) parts.push(leadSentences(stripInstructions(input)) || input.slice(0, 200));
  else parts.push(`The text has ${wordCount(input)} words in ${sentencesOf(input).length} sentences.`);
  return labelled(parts.join(' '));
}

/** "Summarise …:\n\n<text>" → the text. */
function stripInstructions(input: string): string {
  const split = input.split(/\n\s*\n/);
  return split.length > 1 && /:\s*$/.test(split[0]!) ? split.slice(1).join('\n\n') : input;
}

function describeToolResult(result: string): string {
  try {
    const value = JSON.parse(result) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const scalars = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
        .slice(0, 6)
        .map(([k, v]) => `${k} ${typeof v === 'string' && v.length > 40 ? `${v.slice(0, 40)}…` : String(v)}`);
      if (scalars.length > 0) return `The tool reports: ${scalars.join(', ')}.`;
    }
  } catch {
    // not JSON: quoted as text
  }
  return `The tool answered: ${result.length > 160 ? `${result.slice(0, 157)}…` : result}.`;
}

/** The tool the instructions name, else the one sharing most words with them; the only tool when there is one. */
function chooseTool(tools: { name: string; description?: string; parameters?: unknown }[], system: string): (typeof tools)[number] | undefined {
  const named = tools.find((t) => system.includes(t.name) || system.includes(t.name.split('__').at(-1)!));
  if (named) return named;
  const words = keywordsOf(system);
  let best: (typeof tools)[number] | undefined;
  let bestScore = 0;
  for (const tool of tools) {
    const score = [...keywordsOf(`${tool.name} ${tool.description ?? ''}`)].filter((w) => words.has(w)).length;
    if (score > bestScore) [best, bestScore] = [tool, score];
  }
  return best ?? (tools.length === 1 ? tools[0] : undefined);
}

/** Arguments from the tool's parameters: its defaults, the input text for text fields, made-up values for the rest. */
function toolArgs(parameters: unknown, input: string): Record<string, unknown> {
  const schema = (parameters ?? {}) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(schema.properties ?? {})) {
    const type = Array.isArray(p.type) ? (p.type as string[]).find((t) => t !== 'null') : p.type;
    if (p.default !== undefined) out[name] = p.default;
    else if (type === 'string' && !Array.isArray(p.enum)) out[name] = input;
    else out[name] = valueFor(p, { input, toolResults: [] }, name);
  }
  return out;
}

/** Message content as text: a string, or the text parts of an array. */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'string' ? part : typeof part === 'object' && part && 'text' in part ? String((part as { text: unknown }).text) : ''))
      .join('');
  }
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

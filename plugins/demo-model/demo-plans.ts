import { DEMO_LABEL, slugOf } from './demo-text.js';

/**
 * The demo model as the Designer: a plan from a few templates picked by keywords of the goal, using
 * only what the Designer's prompt lists (node kinds, agents, MCP tools). It is a canned answer, and
 * every plan says so in its name and description. Documented example goals (docs/agents.md):
 *
 * - "Triage a support ticket and escalate urgent ones to a person" → ticket-triage agent, conditional, approval
 * - "Summarise the release notes and publish them after approval" → stats + summary in parallel, approval, file
 * - "Count the words of each text in a batch" → a forEach loop over an MCP tool, then a report file
 * - anything else → record the goal, summarise it with an agent when there is one
 */

/** What the Designer's system prompt offers, read back from its text. */
export interface DesignOffer {
  leafKeys: Set<string>;
  agents: Set<string>;
  /** alias → tool names */
  tools: Map<string, Set<string>>;
}

export function readOffer(system: string): DesignOffer {
  const lines = system.split('\n');
  const offer: DesignOffer = { leafKeys: new Set(), agents: new Set(), tools: new Map() };
  let section = '';
  let alias: string | undefined;
  for (const line of lines) {
    if (line.startsWith('Leaf nodes available')) section = 'leaf';
    else if (line.startsWith('Agents (')) section = 'agents';
    else if (line.startsWith('MCP servers and tools')) section = 'mcp';
    else if (line.trim() === '' || (!line.startsWith('-') && !line.startsWith(' '))) section = line.trim() === '' ? section : '';
    else if (section === 'leaf') {
      const m = /^- ([a-z_]+(?::[a-z0-9_-]+)?) \(/.exec(line);
      if (m) offer.leafKeys.add(m[1]!);
    } else if (section === 'agents') {
      const m = /^- ([a-z][a-z0-9_-]*) \(risk/.exec(line);
      if (m) offer.agents.add(m[1]!);
    } else if (section === 'mcp') {
      const server = /^- ([A-Za-z0-9_.-]+):\s*$/.exec(line);
      const tool = /^ {2}- ([A-Za-z0-9_.-]+)\(/.exec(line);
      if (server) {
        alias = server[1]!;
        offer.tools.set(alias, new Set());
      } else if (tool && alias) offer.tools.get(alias)!.add(tool[1]!);
    }
  }
  // A prompt laid out differently than expected: assume the kinds every business install has.
  if (offer.leafKeys.size === 0) for (const key of ['local_task:file', 'human_approval']) offer.leafKeys.add(key);
  return offer;
}

export function readGoal(prompt: string): { goal: string; planId?: string } {
  const goal = /Business goal: (.*)/.exec(prompt)?.[1]?.trim() ?? prompt.trim().split('\n')[0]!.trim();
  const planId = /Use "([a-z0-9][a-z0-9_-]*)" as the plan id/.exec(prompt)?.[1];
  return { goal, ...(planId ? { planId } : {}) };
}

type Node = Record<string, unknown>;

/** The plan for a goal; `minimal` (after a rejected answer) gives the simplest plan that can work. */
export function demoPlan(system: string, prompt: string, minimal = false): Record<string, unknown> {
  const offer = readOffer(system);
  const { goal, planId } = readGoal(prompt);
  const id = planId ?? slugOf(goal);
  const base = {
    id,
    name: `${DEMO_LABEL} ${goal.length > 80 ? `${goal.slice(0, 77)}…` : goal}`,
    goal,
    description: `${DEMO_LABEL} Drafted by Orch's offline demo model from a canned template chosen by keywords of the goal — not by a real model. Review it, or set a real model provider (docs/agents.md) and design again.`,
  };
  const hasFile = offer.leafKeys.has('local_task:file');
  const statsTool = toolOf(offer, 'text_stats');
  const text = /\b(triage|ticket|support|complain|escalat)/i;
  if (!minimal && text.test(goal) && offer.agents.has('ticket-triage') && hasFile) return { ...base, ...triagePlan(offer) };
  if (!minimal && /\b(summar|release notes|digest|brief|report|publish)/i.test(goal) && offer.agents.has('summarizer') && hasFile) {
    return { ...base, ...summaryPlan(offer, /approv|review|publish|sign.?off/i.test(goal)) };
  }
  if (!minimal && /\b(count|words|statistic|stats|measure)/i.test(goal) && statsTool && hasFile) return { ...base, ...batchPlan(statsTool) };
  return { ...base, ...fallbackPlan(offer, goal, minimal) };
}

function toolOf(offer: DesignOffer, tool: string): { server: string; tool: string } | undefined {
  for (const [alias, tools] of offer.tools) if (tools.has(tool)) return { server: alias, tool };
  return undefined;
}

function fileNode(id: string, op: 'write' | 'append', path: string, content: string, title?: string): Node {
  return { id, type: 'local_task', kind: 'file', ...(title ? { title } : {}), params: { op, path, content } };
}

function triagePlan(offer: DesignOffer): Record<string, unknown> {
  const approve = offer.leafKeys.has('human_approval');
  const urgent: Node = approve
    ? {
        id: 'escalate',
        type: 'human_approval',
        title: 'Escalate this urgent ticket?',
        prompt: 'The triage agent rates this ticket urgent ({{ nodes.triage.output.category }}): {{ nodes.triage.output.reason }}\n\nTicket:\n{{ input.ticket }}',
        onReject: 'continue',
      }
    : fileNode('escalate', 'append', 'tickets/escalated.log', '{{ nodes.triage.output.category }}: {{ input.ticket }}\n');
  return {
    inputs: {
      ticket: { type: 'string', description: 'The support ticket to triage', default: 'I was charged twice for my subscription this month and nobody on the team can open invoices. Please fix this urgently.' },
    },
    root: {
      id: 'triage-ticket',
      type: 'sequence',
      children: [
        { id: 'triage', type: 'agent_invocation', title: 'Category and urgency', agent: 'ticket-triage', input: '{{ input.ticket }}' },
        {
          id: 'route',
          type: 'conditional',
          title: 'Urgent tickets go to a person',
          branches: [{ when: 'nodes.triage.output.urgency = "high"', then: urgent }],
          else: fileNode('queue', 'append', 'tickets/queue.log', '{{ nodes.triage.output.urgency }} {{ nodes.triage.output.category }}: {{ input.ticket }}\n', 'Queue the ticket'),
        },
        fileNode('record', 'append', 'tickets/triage.log', '{{ nodes.triage.output.category }} {{ nodes.triage.output.urgency }} — {{ nodes.triage.output.reason }} (model {{ nodes.triage.model.name }})\n', 'Record the triage'),
      ],
    },
  };
}

function summaryPlan(offer: DesignOffer, approval: boolean): Record<string, unknown> {
  const stats = toolOf(offer, 'text_stats');
  const summary: Node = {
    id: 'summary',
    type: 'agent_invocation',
    title: 'Summary',
    agent: 'summarizer',
    input: 'Summarise in at most three sentences:\n\n{{ input.text }}',
  };
  const analyse: Node = stats
    ? { id: 'analyse', type: 'parallel', title: 'Measure and summarise', children: [{ id: 'stats', type: 'mcp_tool', server: stats.server, tool: stats.tool, args: { text: '{{ input.text }}' } }, summary] }
    : summary;
  const children: Node[] = [analyse];
  if (approval && offer.leafKeys.has('human_approval')) {
    children.push({ id: 'review', type: 'human_approval', title: 'Publish this summary?', prompt: 'Summary to publish:\n\n{{ nodes.summary.output }}' });
  }
  children.push(fileNode('publish', 'write', 'summaries/summary.md', '{{ nodes.summary.output }}\n', 'Save the summary'));
  return {
    inputs: {
      text: {
        type: 'string',
        description: 'The text to summarise',
        default: 'Added CSV export to reports. Fixed a crash when a plan had no inputs. Approvals now show who decided and when. The CLI starts twice as fast.',
      },
    },
    root: { id: 'summarise', type: 'sequence', children },
  };
}

function batchPlan(stats: { server: string; tool: string }): Record<string, unknown> {
  return {
    inputs: {
      texts: { type: 'array', description: 'The texts to measure', default: ['The quick brown fox.', 'Orch runs plans on its own.', 'One, two, three, four.'] },
    },
    root: {
      id: 'batch',
      type: 'sequence',
      children: [
        {
          id: 'each-text',
          type: 'loop',
          title: 'One pass per text',
          forEach: 'input.texts',
          maxIterations: 100,
          body: {
            id: 'text-steps',
            type: 'sequence',
            children: [
              { id: 'measure', type: 'mcp_tool', server: stats.server, tool: stats.tool, args: { text: '{{ item }}' } },
              fileNode('record-count', 'append', 'reports/word-counts.txt', '{{ index }} {{ nodes.measure.structured.words }} {{ item }}\n'),
            ],
          },
        },
        fileNode('report', 'append', 'reports/word-counts.txt', 'measured {{ $count(input.texts) }} texts\n', 'Close the report'),
      ],
    },
  };
}

function fallbackPlan(offer: DesignOffer, goal: string, minimal: boolean): Record<string, unknown> {
  const children: Node[] = [];
  if (offer.leafKeys.has('local_task:file')) children.push(fileNode('record-goal', 'write', `goals/${slugOf(goal)}.md`, '# {{ input.goal }}\n', 'Write the goal down'));
  if (!minimal && offer.agents.has('summarizer')) children.push({ id: 'think', type: 'agent_invocation', title: 'First thoughts', agent: 'summarizer', input: '{{ input.goal }}' });
  if (children.length === 0 && offer.leafKeys.has('local_task:schedule')) children.push({ id: 'wait', type: 'local_task', kind: 'schedule', params: { after: '10ms' } });
  return {
    inputs: { goal: { type: 'string', description: 'The goal this plan was drafted for', default: goal } },
    root: { id: 'steps', type: 'sequence', children },
  };
}

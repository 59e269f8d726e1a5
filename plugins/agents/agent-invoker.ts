import { inject, injectable } from 'inversify';
import { formatFieldIssues, Logger, OrchError } from '../../kernel/index.js';
import { type AgentInvocationOutput } from './api/index.js';
import { AgentBuilder, type AgentCall, type BuiltMember } from './agent-builder.js';
import { abortFailure, agentRunFailure } from './agent-run-failure.js';
import { loadAgentsSdk } from './agents-sdk.js';
import { ModelClients } from './model-clients.js';
import { extractJson } from './model-json-schema.js';
import { FileAgentRegistry } from './registry.js';

export type InvokeOptions = Omit<AgentCall, 'toolCalls'>;

/**
 * Runs one agent of the registry to its final answer: builds it (and its handoffs), checks that the
 * provider can be reached, runs it with its `maxTurns` and the caller's abort signal, enforces the
 * output schema on the answer and reports usage and tool calls.
 */
@injectable()
export class AgentInvoker {
  private readonly log: Logger;

  constructor(
    @inject(FileAgentRegistry) private readonly registry: FileAgentRegistry,
    @inject(AgentBuilder) private readonly builder: AgentBuilder,
    @inject(ModelClients) private readonly clients: ModelClients,
    @inject(Logger) logger: Logger,
  ) {
    this.log = logger.child({ category: 'agents', plugin: 'agents' });
  }

  async invoke(name: string, input: unknown, options: InvokeOptions): Promise<AgentInvocationOutput> {
    const { config } = this.registry.ensure(name);
    const call: AgentCall = { ...options, toolCalls: [] };
    const { agent, members } = await this.builder.build(name, call);
    const entry = members.get(name)!;
    for (const member of members.values()) await this.clients.reach(member.target, options.signal);
    if (options.signal?.aborted) throw abortFailure(name, options.signal);

    const models = await this.clients.settings();
    const { Runner } = await loadAgentsSdk();
    const runner = new Runner({ tracingDisabled: !models.tracing.enabled, workflowName: `orch agent ${name}` });
    const started = Date.now();
    let result;
    try {
      result = await runner.run(agent, inputText(input), { maxTurns: config.maxTurns, signal: options.signal });
    } catch (error) {
      const failure = agentRunFailure(error, name, config.maxTurns, entry.target, options.signal);
      this.log.warn(`Agent ${name} failed: ${failure.message}`, { agent: name, runId: options.runId, nodeId: options.nodeId, code: failure.code });
      throw failure;
    }
    const answeredBy = result.lastAgent?.name ?? name;
    const answering = members.get(answeredBy) ?? entry;
    const output = this.finalOutput(answeredBy, answering, result.finalOutput);
    const usage = result.state.usage;
    const summary: AgentInvocationOutput = {
      output,
      agent: name,
      answeredBy,
      model: { provider: answering.target.provider, name: answering.target.model },
      usage: { requests: usage.requests, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.totalTokens },
      toolCalls: call.toolCalls,
    };
    this.log.info(`Agent ${name} answered`, {
      agent: name,
      answeredBy,
      runId: options.runId,
      nodeId: options.nodeId,
      durationMs: Date.now() - started,
      usage: summary.usage,
      toolCalls: call.toolCalls.length,
    });
    return summary;
  }

  /** The answer as the node's output: text, or the JSON value the output schema demands (checked here). */
  private finalOutput(agent: string, member: BuiltMember, raw: unknown): unknown {
    if (!member.output) return raw;
    let value: unknown = raw;
    if (member.structure === 'text' || typeof raw === 'string') {
      try {
        value = extractJson(String(raw ?? ''));
      } catch (error) {
        throw new OrchError('invalid_input', `Agent "${agent}" gave no JSON answer for its output schema: ${(error as Error).message}`, { agent });
      }
    }
    value = member.unwrap(value);
    const issues = member.output.check(value);
    if (issues.length > 0) {
      throw new OrchError('invalid_input', `Agent "${agent}" answered, but the answer does not match the output schema: ${formatFieldIssues(issues)}`, {
        agent,
        issues,
        answer: value,
      });
    }
    return value;
  }
}

/** Agents read text: strings go as they are, anything else as indented JSON. */
function inputText(input: unknown): string {
  return typeof input === 'string' ? input : JSON.stringify(input, null, 2);
}

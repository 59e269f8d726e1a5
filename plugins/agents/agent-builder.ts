import type { Agent, FunctionTool, ModelSettings } from '@openai/agents';
import { inject, injectable, multiInject, optional } from 'inversify';
import { describeError, isOrchError, OrchError } from '../../kernel/index.js';
import { AgentFunctionTool, type AgentConfig, type AgentInvocationOutput } from './api/index.js';
import { McpBridge, toolResultText } from '../mcp-bridge/api/index.js';
import { loadAgentsSdk, type AgentsSdk } from './agents-sdk.js';
import { ModelClients } from './model-clients.js';
import { OutputSchema } from './output-schema.js';
import type { ResolvedModel } from './models-config.js';
import { FileAgentRegistry } from './registry.js';

/** Who is invoking, passed to every tool call so the bridge records it. */
export interface AgentCall {
  runId?: string;
  nodeId?: string;
  operator: string;
  signal?: AbortSignal;
  /** Overrides the agents' own `outputSchema` (a plan node's `outputSchema`). */
  outputSchema?: Record<string, unknown>;
  /** Filled with each tool call as it happens. */
  toolCalls: AgentInvocationOutput['toolCalls'];
}

/** One built agent of the handoff group, with what is needed to read its answer. */
export interface BuiltMember {
  config: AgentConfig;
  target: ResolvedModel;
  /** The schema its answer must match, if any. */
  output?: OutputSchema;
  /** `sdk`: the SDK parsed the answer (wrapped if needed); `text`: the schema went into the prompt and the text must be parsed here. */
  structure?: 'sdk' | 'text';
  unwrap(answer: unknown): unknown;
}

export interface BuiltAgent {
  agent: Agent<any, any>;
  /** Every agent of the handoff group by name (the entry agent included). */
  members: Map<string, BuiltMember>;
}

/** MCP errors a model cannot fix by trying again: the node fails instead. */
const FATAL_TOOL_CODES = new Set(['unavailable', 'cancelled', 'timeout', 'write_failed']);

/**
 * Builds `@openai/agents` Agents from registry configs: the model of their provider (Chat
 * Completions or Responses), their MCP tools as function tools that call `McpBridge.invokeTool`
 * (so every call passes `onToolInvoke` and lands in the log and the tool stream), function tools
 * contributed by plugins, their handoffs (built too, cycles allowed) and their output schema.
 */
@injectable()
export class AgentBuilder {
  constructor(
    @inject(FileAgentRegistry) private readonly registry: FileAgentRegistry,
    @inject(ModelClients) private readonly clients: ModelClients,
    @inject(McpBridge) @optional() private readonly bridge: McpBridge | undefined,
    @multiInject(AgentFunctionTool) @optional() private readonly functions: AgentFunctionTool[] | undefined,
  ) {}

  async build(name: string, call: AgentCall): Promise<BuiltAgent> {
    const sdk = await loadAgentsSdk();
    const members = new Map<string, BuiltMember>();
    const agents = new Map<string, Agent<any, any>>();
    const queue = [name];
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (agents.has(next)) continue;
      const { config } = this.registry.ensure(next);
      const member = await this.member(config, call);
      members.set(next, member);
      agents.set(next, await this.agentOf(sdk, config, member, call));
      for (const handoff of config.handoffs) {
        if (!this.registry.get(handoff)) {
          throw new OrchError('invalid_input', `Agent "${config.name}" hands off to "${handoff}", which is not in the registry (orch agents:config:list)`, {
            agent: config.name,
            issues: [{ path: 'handoffs', message: `unknown agent "${handoff}"` }],
          });
        }
        queue.push(handoff);
      }
    }
    for (const [agentName, agent] of agents) {
      agent.handoffs = members.get(agentName)!.config.handoffs.map((h) => agents.get(h)!);
    }
    return { agent: agents.get(name)!, members };
  }

  private async member(config: AgentConfig, call: AgentCall): Promise<BuiltMember> {
    const target = await this.clients.resolve({ provider: config.model.provider, model: config.model.name });
    const schema = call.outputSchema ?? config.outputSchema;
    if (!schema) return { config, target, unwrap: (answer) => answer };
    let output: OutputSchema;
    try {
      output = OutputSchema.compile(schema);
    } catch (error) {
      const where = call.outputSchema ? 'the node\'s outputSchema' : `agents-config/${config.name}.json: outputSchema`;
      throw new OrchError('invalid_input', `${where} is ${describeError(error)}`, { agent: config.name });
    }
    if (target.settings.structuredOutput === 'json_schema') {
      const { unwrap } = output.forModel('output');
      return { config, target, output, structure: 'sdk', unwrap };
    }
    return { config, target, output, structure: 'text', unwrap: (answer) => answer };
  }

  private async agentOf(sdk: AgentsSdk, config: AgentConfig, member: BuiltMember, call: AgentCall): Promise<Agent<any, any>> {
    const tools = await this.toolsOf(sdk, config, call);
    let instructions = config.instructions;
    let outputType: unknown;
    if (member.output && member.structure === 'sdk') outputType = member.output.forModel('output').definition;
    if (member.output && member.structure === 'text') {
      instructions += `\n\nYour final answer must be one JSON value only — no prose, no code fences — matching this JSON Schema:\n${JSON.stringify(member.output.schema)}`;
    }
    const settings = config.model.settings;
    const modelSettings: ModelSettings = {
      ...(settings?.temperature !== undefined ? { temperature: settings.temperature } : {}),
      ...(settings?.topP !== undefined ? { topP: settings.topP } : {}),
      ...(settings?.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
    };
    return new sdk.Agent<any, any>({
      name: config.name,
      handoffDescription: config.description,
      instructions,
      model: await this.clients.agentModel(member.target),
      modelSettings,
      tools,
      ...(outputType ? { outputType } : {}),
    });
  }

  private async toolsOf(sdk: AgentsSdk, config: AgentConfig, call: AgentCall): Promise<FunctionTool<any, any, any>[]> {
    const built: { name: string; alias?: string; make: (name: string) => FunctionTool<any, any, any> }[] = [];
    for (const [index, entry] of config.tools.entries()) {
      if ('mcp' in entry) built.push(...(await this.mcpTools(sdk, config, index, entry.mcp, entry.allow, call)));
      else built.push(this.functionTool(sdk, config, index, entry.function, call));
    }
    // Two aliases may offer a tool of the same name: those get the alias as a prefix.
    const counts = new Map<string, number>();
    for (const b of built) counts.set(b.name, (counts.get(b.name) ?? 0) + 1);
    return built.map((b) => b.make(counts.get(b.name)! > 1 && b.alias ? `${b.alias}__${b.name}` : b.name));
  }

  private async mcpTools(sdk: AgentsSdk, config: AgentConfig, index: number, alias: string, allow: string[] | undefined, call: AgentCall) {
    const field = `tools.${index}`;
    const bridge = this.bridge;
    if (!bridge) {
      throw new OrchError('unavailable', `Agent "${config.name}" uses MCP tools of "${alias}", but the mcp-bridge plugin is not loaded`, { agent: config.name });
    }
    const bridgeProblem = bridge.configProblem?.();
    if (bridgeProblem) throw new OrchError('invalid_input', `Agent "${config.name}" uses MCP server "${alias}": ${bridgeProblem}`, { agent: config.name });
    if (!bridge.aliases().includes(alias)) {
      throw new OrchError(
        'invalid_input',
        `agents-config/${config.name}.json: ${field}.mcp: unknown MCP server "${alias}"; config/mcp.servers.json defines ${bridge.aliases().join(', ') || 'none'}`,
        { agent: config.name, issues: [{ path: `${field}.mcp`, message: `unknown MCP server "${alias}"` }] },
      );
    }
    const listed = await bridge.listTools(alias);
    const unknown = (allow ?? []).filter((name) => !listed.some((t) => t.name === name));
    if (unknown.length > 0) {
      throw new OrchError(
        'invalid_input',
        `agents-config/${config.name}.json: ${field}.allow: MCP server "${alias}" has no tool ${unknown.map((n) => `"${n}"`).join(', ')}; its tools: ${listed.map((t) => t.name).join(', ') || '(none)'}`,
        { agent: config.name, issues: [{ path: `${field}.allow`, message: `unknown tools ${unknown.join(', ')}` }] },
      );
    }
    const chosen = allow ? listed.filter((t) => allow.includes(t.name)) : listed;
    return chosen.map((info) => ({
      name: info.name,
      alias,
      make: (name: string) =>
        sdk.tool({
          name,
          description: info.description ?? info.title ?? `Tool ${info.name} of MCP server ${alias}`,
          parameters: objectSchema(info.inputSchema) as any,
          strict: false,
          // Thrown errors end the run (the bridge is down, the call timed out or was cancelled);
          // everything else is returned to the model as text so it can correct itself.
          errorFunction: null,
          execute: async (input: unknown) => {
            const args = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
            try {
              const result = await bridge.invokeTool({
                alias,
                tool: info.name,
                args,
                runId: call.runId,
                nodeId: call.nodeId,
                operator: call.operator,
                caller: 'agent',
                signal: call.signal,
              });
              call.toolCalls.push({ tool: info.name, alias, outcome: result.isError ? 'error' : 'ok' });
              if (result.isError) return `Error from tool ${info.name}: ${toolResultText(result) || 'the tool reported an error'}`;
              if (result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
              return toolResultText(result) || JSON.stringify(result.content);
            } catch (error) {
              call.toolCalls.push({ tool: info.name, alias, outcome: 'error' });
              if (isOrchError(error) && FATAL_TOOL_CODES.has(error.code)) throw error;
              return `Error calling tool ${info.name}: ${describeError(error)}`;
            }
          },
        }),
    }));
  }

  private functionTool(sdk: AgentsSdk, config: AgentConfig, index: number, name: string, call: AgentCall) {
    const found = (this.functions ?? []).find((f) => f.name === name);
    if (!found) {
      const known = (this.functions ?? []).map((f) => f.name);
      throw new OrchError(
        'invalid_input',
        `agents-config/${config.name}.json: tools.${index}.function: no plugin contributes a function tool "${name}"; known: ${known.join(', ') || 'none'}`,
        { agent: config.name, issues: [{ path: `tools.${index}.function`, message: `unknown function tool "${name}"` }] },
      );
    }
    return {
      name,
      make: (toolName: string) =>
        sdk.tool({
          name: toolName,
          description: found.description,
          parameters: objectSchema(found.parameters) as any,
          strict: false,
          errorFunction: null,
          execute: async (input: unknown) => {
            const args = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
            try {
              const value = await found.invoke(args, { agent: config.name, runId: call.runId, nodeId: call.nodeId, operator: call.operator, signal: call.signal });
              call.toolCalls.push({ tool: name, outcome: 'ok' });
              return typeof value === 'string' ? value : JSON.stringify(value ?? null);
            } catch (error) {
              call.toolCalls.push({ tool: name, outcome: 'error' });
              if (isOrchError(error) && FATAL_TOOL_CODES.has(error.code)) throw error;
              return `Error calling tool ${name}: ${describeError(error)}`;
            }
          },
        }),
    };
  }
}

/** Function tools need an object schema at the top; MCP servers sometimes send `{}`. */
function objectSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _dropped, ...body } = schema ?? {};
  if (body.type === 'object') return { properties: {}, ...body };
  return { type: 'object', properties: {}, additionalProperties: true };
}

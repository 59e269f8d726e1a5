import { inject, injectable } from 'inversify';
import { OrchError, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { toolResultText, type ToolResult } from '../api/index.js';
import { BridgeAccess } from './bridge-access.js';

/** `orch mcp:call <alias> <tool> --args '<json>'`: one tool call, recorded like any other. */
@injectable()
export class McpCallCommand implements CliCommand {
  readonly name = 'mcp:call';

  constructor(@inject(BridgeAccess) private readonly access: BridgeAccess) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const alias = String(args.alias);
    const tool = String(args.tool);
    const toolArgs = parseArgsOption(args.args);
    const timeoutMs = typeof args.timeout === 'number' && Number.isFinite(args.timeout) ? args.timeout : undefined;
    if (timeoutMs !== undefined && (timeoutMs <= 0 || !Number.isInteger(timeoutMs))) {
      throw new OrchError('invalid_input', `--timeout must be a positive whole number of milliseconds, got ${timeoutMs}`);
    }
    const view = await this.access.open(io);
    const result = await view.call({
      alias,
      tool,
      args: toolArgs,
      timeoutMs,
      onProgress: io.json ? undefined : (progress, total, message) => io.err(`  progress ${progress}${total !== undefined ? `/${total}` : ''}${message ? ` — ${message}` : ''}`),
    });
    if (io.json) {
      io.printJson({ via: view.via, alias, tool, ...result });
      return result.isError ? 1 : 0;
    }
    if (result.isError) {
      io.err(`MCP tool ${alias}/${tool} reported an error: ${toolResultText(result) || '(no message)'}`);
      return 1;
    }
    io.out(render(result));
    return 0;
  }
}

/** `--args` is a JSON object; a clear message names the option when it is not. */
function parseArgsOption(raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(String(raw));
  } catch (error) {
    throw new OrchError('invalid_input', `--args is not valid JSON: ${(error as Error).message}. Example: --args '{"text": "hello"}'`, {
      issues: [{ path: '--args', message: 'not valid JSON' }],
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OrchError('invalid_input', `--args must be a JSON object of argument names to values, e.g. --args '{"text": "hello"}'`, {
      issues: [{ path: '--args', message: 'must be a JSON object' }],
    });
  }
  return value as Record<string, unknown>;
}

/** Text blocks as they are; other blocks summarised; the structured result when it adds something. */
function render(result: ToolResult): string {
  const parts: string[] = [];
  for (const block of result.content as { type?: string; text?: string; mimeType?: string; data?: string; resource?: { uri?: string } }[]) {
    if (block?.type === 'text') parts.push(block.text ?? '');
    else if (block?.type === 'image' || block?.type === 'audio') parts.push(`[${block.type} ${block.mimeType ?? ''}, ${Math.round(((block.data?.length ?? 0) * 3) / 4)} bytes]`);
    else if (block?.type === 'resource' || block?.type === 'resource_link') parts.push(`[${block.type} ${block.resource?.uri ?? (block as { uri?: string }).uri ?? ''}]`);
    else parts.push(JSON.stringify(block));
  }
  const text = toolResultText(result);
  if (result.structuredContent !== undefined) {
    const structured = JSON.stringify(result.structuredContent, null, 2);
    if (structured !== text.trim()) parts.push(structured);
  }
  return parts.join('\n') || '(the tool returned no content)';
}

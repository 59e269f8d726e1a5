import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpToolInfo } from './api/index.js';

/** A guard against a server whose cursors never end. */
const MAX_TOOL_PAGES = 1000;

/** Every page of `tools/list`, following `nextCursor` until the server stops giving one. */
export async function listAllTools(client: Client, options: { timeout: number; signal?: AbortSignal }): Promise<McpToolInfo[]> {
  const tools: McpToolInfo[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page++) {
    const result = await client.listTools(cursor === undefined ? undefined : { cursor }, options);
    tools.push(...result.tools.map(toToolInfo));
    if (!result.nextCursor || seen.has(result.nextCursor)) break;
    seen.add(result.nextCursor);
    cursor = result.nextCursor;
  }
  return tools;
}

export function toToolInfo(tool: Tool): McpToolInfo {
  return {
    name: tool.name,
    title: tool.title ?? tool.annotations?.title,
    description: tool.description,
    inputSchema: tool.inputSchema as Record<string, unknown>,
    outputSchema: tool.outputSchema as Record<string, unknown> | undefined,
    annotations: tool.annotations ? { ...tool.annotations } : undefined,
  };
}

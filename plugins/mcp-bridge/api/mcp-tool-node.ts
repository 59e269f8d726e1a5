import { z } from 'zod';

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? what : undefined);

/** The own fields of an `mcp_tool` node: the one description of them (adapter and Plan JSON Schema). */
export const McpToolParamsSchema = z.strictObject({
  server: z
    .string({ error: required('name an MCP server alias of config/mcp.servers.json') })
    .min(1, 'name an alias of config/mcp.servers.json')
    .describe('An alias of config/mcp.servers.json'),
  tool: z.string({ error: required('name the tool to call') }).min(1, 'name a tool of that server').describe('A tool of that server (see orch mcp:tools <alias>)'),
  args: z.record(z.string(), z.unknown()).default({}).describe("The tool's arguments; strings may hold {{ … }} templates"),
});
export type McpToolParams = z.output<typeof McpToolParamsSchema>;

declare module '../../plans/api/index.js' {
  interface LeafNodeTypes {
    mcp_tool: McpToolParams;
  }
}

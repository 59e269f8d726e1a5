import { z } from 'zod';

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? what : undefined);

/** The own fields of an `agent_invocation` node: the one description of them (adapter and Plan JSON Schema). */
export const AgentInvocationParamsSchema = z.strictObject({
  agent: z
    .string({ error: required('name the agent to invoke (see orch agents:config:list)') })
    .min(1, 'name an agent of agents-config/ (orch agents:config:list)')
    .describe('An agent of agents-config/'),
  input: z
    .unknown()
    .refine((value) => value !== undefined, 'give the agent an input (a text or JSON value; may use {{ … }} templates)')
    .describe("The agent's input; strings may hold {{ … }} templates"),
  outputSchema: z.record(z.string(), z.unknown()).optional().describe("JSON Schema the answer must match (overrides the agent's own)"),
});
export type AgentInvocationParams = z.output<typeof AgentInvocationParamsSchema>;

declare module '../../plans/api/index.js' {
  interface LeafNodeTypes {
    agent_invocation: AgentInvocationParams;
  }
}

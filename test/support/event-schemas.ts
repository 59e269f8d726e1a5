import { wireEventSchema, type EventSchemas } from '../../kernel/index.js';
import { AgentEvents } from '../../plugins/agents/api/index.js';
import { ApprovalEvents } from '../../plugins/approvals/api/index.js';
import { RunEvents } from '../../plugins/executor/api/index.js';
import { BridgeEvents } from '../../plugins/mcp-bridge/api/index.js';
import { PlanEvents } from '../../plugins/plans/api/index.js';

const contributed: EventSchemas = { ...RunEvents, ...ApprovalEvents, ...BridgeEvents, ...AgentEvents, ...PlanEvents };

/** The wire schema of every event the built-in plugins contribute: parse() throws on an unknown type or a bad field. */
export const OrchEventSchema = {
  parse(event: { type?: unknown }): unknown {
    const payload = typeof event.type === 'string' ? contributed[event.type] : undefined;
    if (!payload) throw new Error(`unknown event type ${String(event.type)}`);
    return wireEventSchema(event.type as string, payload).parse(event);
  },
};

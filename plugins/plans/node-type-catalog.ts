import { inject, injectable } from 'inversify';
import { z } from 'zod';
import { adapterKey, NodeAdapterRegistry, type NodeAdapter, type RiskLevel } from './api/index.js';

export interface NodeTypeInfo {
  /** `local_task:script`, `mcp_tool`, … */
  key: string;
  type: string;
  kind?: string;
  description: string;
  defaultRiskLevel: RiskLevel;
  /** True when the risk depends on the params (e.g. a file delete is riskier than a read). */
  riskDependsOnParams: boolean;
  /** JSON Schema of the params (for local tasks: of `params`; else of the type's own fields). */
  paramsSchema?: Record<string, unknown>;
}

/** The leaf node types this process can run, as the plan:node-types command, REST and the Designer show them. */
@injectable()
export class NodeTypeCatalog {
  constructor(@inject(NodeAdapterRegistry) private readonly registry: NodeAdapterRegistry) {}

  describe(): NodeTypeInfo[] {
    const out: NodeTypeInfo[] = [];
    for (const adapter of this.registry.all()) {
      const key = adapterKey(adapter);
      const paramsSchema = paramsJsonSchema(adapter);
      out.push({
        key,
        type: adapter.type,
        ...(adapter.kind ? { kind: adapter.kind } : {}),
        description: adapter.description,
        defaultRiskLevel: adapter.defaultRiskLevel,
        riskDependsOnParams: typeof adapter.riskOf === 'function',
        ...(paramsSchema ? { paramsSchema } : {}),
      });
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }
}

function paramsJsonSchema(adapter: NodeAdapter): Record<string, unknown> | undefined {
  try {
    const { $schema: _ignored, ...schema } = z.toJSONSchema(adapter.paramsSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return schema;
  } catch {
    return undefined; // a schema with transforms JSON Schema cannot express: the description must do
  }
}

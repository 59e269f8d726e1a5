import { inject, injectable } from 'inversify';
import { renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { NodeTypeCatalog } from '../node-type-catalog.js';

/** `orch plan:node-types`: what leaf nodes the loaded plugins can run, and their params. */
@injectable()
export class PlanNodeTypesCommand implements CliCommand {
  readonly name = 'plan:node-types';

  constructor(@inject(NodeTypeCatalog) private readonly catalog: NodeTypeCatalog) {}

  async run(_args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const types = this.catalog.describe();
    if (io.json) {
      io.printJson({ nodeTypes: types });
      return 0;
    }
    if (types.length === 0) {
      io.out('No plugin provides leaf node types (enable adapters-local, agents, mcp-bridge, external-service, approvals).');
      return 0;
    }
    io.out(
      renderTable(
        ['NODE', 'RISK', 'PARAMS (* required)', 'DESCRIPTION'],
        types.map((t) => [t.key, `${t.defaultRiskLevel}${t.riskDependsOnParams ? '+' : ''}`, paramsOf(t.paramsSchema), t.description]),
      ),
    );
    io.out('\nComposite nodes: sequence, parallel, conditional, loop. RISK "+" = depends on the params. Full schemas: --json.');
    return 0;
  }
}

function paramsOf(schema: Record<string, unknown> | undefined): string {
  const properties = schema?.properties as Record<string, unknown> | undefined;
  if (!properties) return '(see --json)';
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  return Object.keys(properties).map((name) => `${name}${required.has(name) ? '*' : ''}`).join(', ') || '(none)';
}

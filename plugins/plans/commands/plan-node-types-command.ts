import { inject, injectable } from 'inversify';
import { renderTable, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { NodeAdapterRegistry } from '../api/index.js';
import { NodeTypeCatalog } from '../node-type-catalog.js';

/** `orch plan:node-types`: what leaf nodes the loaded plugins can run, and their params. */
@injectable()
export class PlanNodeTypesCommand implements CliCommand {
  readonly name = 'plan:node-types';

  constructor(
    @inject(NodeTypeCatalog) private readonly catalog: NodeTypeCatalog,
    @inject(NodeAdapterRegistry) private readonly registry: NodeAdapterRegistry,
  ) {}

  async run(_args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const types = this.catalog.describe();
    const refused = this.registry.problems();
    if (io.json) {
      io.printJson({ nodeTypes: types, ...(refused.length > 0 ? { refused } : {}) });
      return 0;
    }
    for (const problem of refused) io.err(`Refused: ${problem}`);
    if (types.length === 0) {
      io.out('No plugin provides leaf node types (enable adapters-local, agents, mcp-bridge, external-service, approvals).');
      return 0;
    }
    io.out(
      renderTable(
        ['NODE', 'RISK', 'PARAMS (* required)', 'DESCRIPTION'],
        types.map((t) => [t.key, `${t.defaultRiskLevel}${t.riskDependsOnParams ? '+' : ''}`, paramsOf(t.paramsSchema), shortDescription(t.description)]),
      ),
    );
    io.out('\nComposite nodes: sequence, parallel, conditional, loop. RISK "+" = depends on the params. Full schemas: --json.');
    return 0;
  }
}

/** `url*, method, headers, … +9` — required params first, within a width a terminal can show. */
function paramsOf(schema: Record<string, unknown> | undefined): string {
  const variants = (schema?.anyOf ?? schema?.oneOf) as Record<string, unknown>[] | undefined;
  const shapes = Array.isArray(variants) ? variants : schema ? [schema] : [];
  const names = new Set<string>();
  const requiredEverywhere = new Map<string, number>();
  for (const shape of shapes) {
    for (const name of Object.keys((shape.properties ?? {}) as Record<string, unknown>)) names.add(name);
    for (const name of Array.isArray(shape.required) ? (shape.required as string[]) : []) requiredEverywhere.set(name, (requiredEverywhere.get(name) ?? 0) + 1);
  }
  if (names.size === 0) return '(see --json)';
  const required = [...names].filter((n) => requiredEverywhere.get(n) === shapes.length);
  const optional = [...names].filter((n) => !required.includes(n));
  const parts = [...required.map((n) => `${n}*`), ...optional];
  let text = '';
  for (let i = 0; i < parts.length; i++) {
    const next = text ? `${text}, ${parts[i]}` : parts[i]!;
    if (next.length > 44 && i > 0) return `${text}, … +${parts.length - i}`;
    text = next;
  }
  return text;
}

/** The first sentence, short enough for a table cell. */
function shortDescription(text: string): string {
  const sentence = text.split(/(?<=[.;:])\s|\s\(/)[0]!.replace(/[.;:]$/, '');
  return sentence.length > 72 ? `${sentence.slice(0, 71)}…` : sentence;
}

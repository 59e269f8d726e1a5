import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inject, injectable } from 'inversify';
import { OrchError, type CliCommand, type CommandIO } from '../../../kernel/index.js';
import { NodeAdapterRegistry } from '../api/index.js';
import { planJsonSchema } from '../plan-json-schema.js';

/** `orch plan:schema [--out file]`: the Plan JSON Schema, assembled from the Zod contract and the loaded node adapters. */
@injectable()
export class PlanSchemaCommand implements CliCommand {
  readonly name = 'plan:schema';

  constructor(@inject(NodeAdapterRegistry) private readonly registry: NodeAdapterRegistry) {}

  async run(args: Record<string, unknown>, io: CommandIO): Promise<number> {
    const schema = planJsonSchema(this.registry);
    const out = typeof args.out === 'string' && args.out ? args.out : undefined;
    if (!out) {
      io.printJson(schema);
      return 0;
    }
    try {
      await writeFile(resolve(out), `${JSON.stringify(schema, null, 2)}\n`);
    } catch (error) {
      throw new OrchError('write_failed', `Could not write ${out}: ${(error as Error).message}`, { file: resolve(out) });
    }
    if (io.json) io.printJson({ written: resolve(out) });
    else io.out(`Wrote the Plan JSON Schema to ${out}; point a plan's "$schema" at it for validation and completion in editors.`);
    return 0;
  }
}

import { z } from 'zod';
import { COMMON_NODE_FIELDS, planDocumentFields, planNodeSchemas, type CommonNodeField, type NodeAdapter, type NodeAdapterRegistry, type PlanDocument } from './api/index.js';

/**
 * The Plan schema as JSON Schema (draft 2020-12), assembled from the Zod contract and the node
 * adapters this process has, so the two never drift and every registered node type — a plugin's
 * own included — validates and completes in editors: `orch plan:schema`, `GET /api/schemas/plan`,
 * `schemas/plan.schema.json` (which example plans name in `$schema`) and the Designer's
 * structured output. A type's own fields are its adapter's `paramsSchema`.
 */
export function planJsonSchema(registry: NodeAdapterRegistry): Record<string, unknown> {
  const generated = z.toJSONSchema(planExportSchema(registry), {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      const properties = jsonSchema.properties as Record<string, { const?: unknown }> | undefined;
      // Zod refinements do not export: say "exactly one of while / forEach" in JSON Schema terms.
      if (properties?.type?.const === 'loop') jsonSchema.oneOf = [{ required: ['while'] }, { required: ['forEach'] }];
      // Zod marks startsWith() with a format of its own; the pattern beside it says the same in standard terms.
      if (jsonSchema.format === 'starts_with' && jsonSchema.pattern) delete jsonSchema.format;
    },
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'Orch plan',
    ...rest,
  };
}

/**
 * The Plan schema in a form JSON Schema can express: the plans plugin's own node types and, for each
 * other registered type, one object of the common fields plus the adapter's params (when they are
 * an object; a type whose params are something else is described by its common fields and left
 * open). What it parses is a plan the dry run then checks in full — the Designer gives it to the
 * model as structured output.
 */
export function planExportSchema(registry: NodeAdapterRegistry): z.ZodType<PlanDocument> {
  const node: z.ZodType = z.lazy(
    () =>
      (union ??= z
        .discriminatedUnion('type', [...Object.values(planNodeSchemas(node)), ...leafTypeSchemas(registry)] as never)
        .meta({ id: 'PlanNode', description: 'A plan node: a composite (sequence, parallel, conditional, loop) or a leaf task' })),
  );
  let union: z.ZodType | undefined;
  return z.strictObject({ ...planDocumentFields, root: node.describe('The node the plan runs: usually a sequence') }).describe('An Orch plan') as unknown as z.ZodType<PlanDocument>;
}

function leafTypeSchemas(registry: NodeAdapterRegistry): z.ZodType[] {
  const byType = new Map<string, NodeAdapter>();
  for (const adapter of registry.all()) if (adapter.type !== 'local_task' && !byType.has(adapter.type)) byType.set(adapter.type, adapter);
  return [...byType.values()].map((adapter) => {
    const common: Record<string, z.ZodType> = { ...COMMON_NODE_FIELDS };
    for (const field of Object.keys(adapter.requiredFields ?? {}) as CommonNodeField[]) {
      const optional = COMMON_NODE_FIELDS[field] as z.ZodType;
      const inner = optional instanceof z.ZodOptional ? (optional.unwrap() as z.ZodType) : optional;
      common[field] = inner.describe(optional.description ?? '');
    }
    const shape = objectShape(adapter.paramsSchema);
    const fields = { ...common, type: z.literal(adapter.type), ...(shape ?? {}) };
    return (shape ? z.strictObject(fields) : z.looseObject(fields)).describe(adapter.description);
  });
}

/** The fields of an object schema (refinements do not change them), or undefined for any other schema. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const shape = (schema as { shape?: unknown }).shape;
  return shape && typeof shape === 'object' ? (shape as Record<string, z.ZodType>) : undefined;
}

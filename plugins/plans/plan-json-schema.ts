import { z } from 'zod';
import { PlanDocumentSchema } from './api/index.js';

/**
 * The Plan schema as JSON Schema (draft 2020-12), generated from the Zod contract so the two never
 * drift: `orch plan:schema`, `schemas/plan.schema.json` (which example plans name in `$schema`, so
 * editors validate and complete them) and the Designer's structured output.
 */
export function planJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(PlanDocumentSchema, {
    io: 'input',
    target: 'draft-2020-12',
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

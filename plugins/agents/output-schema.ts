import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JsonSchemaDefinition } from '@openai/agents';
import { describeError, LazySchemaCompilers, type FieldIssue } from '../../kernel/index.js';
import { isStrictCompatible } from './model-json-schema.js';

// Ajv is loaded by the first schema compiled, which most processes never see (see LazySchemaCompilers).
const compilers = new LazySchemaCompilers({ strict: false, allErrors: true, logger: false });

/**
 * The `outputSchema` of an agent or node: checked as a schema when an agent is loaded or a plan is
 * dry-run, handed to the model as structured output, and enforced on the final answer (the model's
 * promise is not taken on trust: many local servers only approximate JSON-schema output).
 */
export class OutputSchema {
  private constructor(
    readonly schema: Record<string, unknown>,
    private readonly validate: ValidateFunction,
  ) {}

  /** Compiles the schema; a broken one is an error naming the problem. */
  static compile(schema: Record<string, unknown>): OutputSchema {
    const { $schema, ...body } = schema;
    const modern = typeof $schema !== 'string' || /2019-09|2020-12/.test($schema);
    const ajv = compilers.compilerFor(modern);
    try {
      return new OutputSchema(schema, ajv.compile(body));
    } catch (error) {
      throw new Error(`not a usable JSON Schema: ${describeError(error)}`);
    }
  }

  /** Problems of `value`, as `field: message` (empty when it matches). */
  check(value: unknown): FieldIssue[] {
    if (this.validate(value)) return [];
    return (this.validate.errors ?? []).map(describe);
  }

  /**
   * Structured output for the Agents SDK, which needs an object at the top: other schemas are
   * wrapped as `{ value: … }` and unwrapped again by `unwrap`.
   */
  forModel(name: string): { definition: JsonSchemaDefinition; unwrap(answer: unknown): unknown } {
    const { $schema: _dropped, ...body } = this.schema;
    const isObject = body.type === 'object';
    const schema = isObject ? body : { type: 'object', properties: { value: body }, required: ['value'], additionalProperties: false };
    return {
      definition: { type: 'json_schema', name, strict: isStrictCompatible(schema), schema: schema as JsonSchemaDefinition['schema'] },
      unwrap: (answer) => (isObject ? answer : (answer as { value?: unknown } | undefined)?.value),
    };
  }
}

function describe(error: ErrorObject): FieldIssue {
  const segments = error.instancePath ? error.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')) : [];
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') segments.push(String(params.missingProperty));
  if (error.keyword === 'additionalProperties') segments.push(String(params.additionalProperty));
  const path = segments.join('.') || '(root)';
  switch (error.keyword) {
    case 'required':
      return { path, message: 'is required' };
    case 'additionalProperties':
      return { path, message: 'is not allowed by the output schema' };
    case 'enum':
      return { path, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}

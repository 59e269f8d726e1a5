import type { ErrorObject, ValidateFunction } from 'ajv';
import { LazySchemaCompilers, type FieldIssue } from '../../kernel/index.js';
import { templateExpressions } from '../plans/api/index.js';

// Ajv is loaded by the first tool call or dry run that checks arguments (see LazySchemaCompilers).
const compilers = new LazySchemaCompilers({ strict: false, allErrors: true, validateSchema: false, logger: false });

/**
 * Checks tool arguments against the tool's JSON Schema (`inputSchema` from `tools/list`), giving
 * one issue per field (`args.text: must be string`) rather than a single sentence. Draft 2020-12
 * and draft-07 schemas are both understood; unknown formats and keywords are ignored, as the server
 * itself is the final judge.
 */
const compiled = new WeakMap<object, ValidateFunction | Error>();

export interface ArgsCheckOptions {
  /** Prefix of issue paths, e.g. `args`. */
  prefix?: string;
  /**
   * Dry run: values that are `{{ … }}` templates are only known at run time, so issues about them
   * (or inside them) are dropped.
   */
  skipTemplates?: boolean;
}

export function checkToolArgs(schema: Record<string, unknown>, args: Record<string, unknown>, check: ArgsCheckOptions = {}): FieldIssue[] {
  const validate = validatorFor(schema);
  const prefix = check.prefix ?? 'args';
  if (validate instanceof Error) return []; // a schema we cannot compile: leave the judgement to the server
  if (validate(args)) return [];
  const issues: FieldIssue[] = [];
  for (const error of validate.errors ?? []) {
    const segments = pointerSegments(error.instancePath);
    if (check.skipTemplates && touchesTemplate(args, segments, !STRUCTURAL.has(error.keyword))) continue;
    const issue = describe(error, segments, prefix);
    if (!issues.some((i) => i.path === issue.path && i.message === issue.message)) issues.push(issue);
  }
  return issues;
}

function validatorFor(schema: Record<string, unknown>): ValidateFunction | Error {
  let found = compiled.get(schema);
  if (!found) {
    const { $schema, ...body } = schema;
    const modern = typeof $schema === 'string' && /2019-09|2020-12/.test($schema);
    const ajv = compilers.compilerFor(modern);
    try {
      found = ajv.compile(body);
    } catch (error) {
      found = error as Error;
    }
    compiled.set(schema, found);
  }
  return found;
}

function describe(error: ErrorObject, segments: string[], prefix: string): FieldIssue {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path: join(prefix, [...segments, String(params.missingProperty)]), message: 'is required' };
    case 'additionalProperties':
      return { path: join(prefix, [...segments, String(params.additionalProperty)]), message: 'is not an argument of this tool' };
    case 'enum':
      return { path: join(prefix, segments), message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { path: join(prefix, segments), message: error.message ?? `fails ${error.keyword}` };
  }
}

function join(prefix: string, segments: string[]): string {
  return [prefix, ...segments].filter(Boolean).join('.') || '(root)';
}

function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Issues about an object's keys, not its values: a template elsewhere in the object does not excuse them. */
const STRUCTURAL = new Set(['required', 'additionalProperties', 'dependentRequired', 'propertyNames']);

/**
 * True when the value at `segments`, or one of its parents, is a `{{ … }}` template; with `deep`,
 * also when a template is anywhere inside that value (its final shape is unknown until run time).
 */
function touchesTemplate(args: unknown, segments: string[], deep: boolean): boolean {
  let value: unknown = args;
  for (const segment of segments) {
    if (typeof value === 'string') return templateExpressions(value).length > 0;
    if (value === null || typeof value !== 'object') return false;
    value = (value as Record<string, unknown>)[segment];
  }
  if (typeof value === 'string') return templateExpressions(value).length > 0;
  return deep && templateExpressions(value).length > 0;
}

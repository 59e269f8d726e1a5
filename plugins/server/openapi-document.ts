import { z } from 'zod';
import { KERNEL_VERSION } from '../../kernel/index.js';
import { type HttpRoute } from './api/index.js';

type JsonSchema = Record<string, unknown>;

/** The error body every route answers failures with (`error-reply.ts`). */
const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});

/** JSON Schema (2020-12, as OpenAPI 3.1 takes it) of a Zod schema; what JSON cannot say becomes "any". */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return json;
}

/** `query`/`params` object schemas become OpenAPI parameters, one per property. */
function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = jsonSchemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

/** Every `:name` of the path, typed by the route's params schema where it has one. */
function pathParameters(route: HttpRoute): JsonSchema[] {
  const declared = parametersOf(route.params, 'path');
  const names = [...route.path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
  return names.map((name) => declared.find((p) => p.name === name) ?? { name, in: 'path', required: true, schema: { type: 'string' } });
}

/** `/runs/:runId` → `/runs/{runId}` */
function openApiPath(path: string): string {
  return `/api${path === '/' ? '' : path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')}`;
}

/**
 * The OpenAPI 3.1 document of the routes this server mounted, generated from the route table: the
 * request schemas the server validates with, and the response schemas routes declare (a route that
 * declares none is listed with an untyped 200).
 */
export function openApiDocument(routes: readonly HttpRoute[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses ?? { 200: undefined })) {
      responses[status] =
        schema === null
          ? { description: 'No content' }
          : { description: 'Success', content: { 'application/json': { schema: schema ? jsonSchemaOf(schema, 'output') : {} } } };
    }
    responses.default = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      summary: route.summary,
      operationId: `${route.method.toLowerCase()}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: [...pathParameters(route), ...parametersOf(route.query, 'query')],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Orch REST API', version: KERNEL_VERSION, description: 'Generated from the routes the loaded plugins contribute. Events: WebSocket /api/events.' },
    paths,
    components: { schemas: { Error: jsonSchemaOf(ErrorBodySchema, 'output') } },
  };
}

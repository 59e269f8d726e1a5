import { z } from 'zod';

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? what : undefined);

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;

/** The own fields of an `external_service` node: the one description of them (adapter and Plan JSON Schema). */
export const ExternalServiceParamsSchema = z
  .strictObject({
    service: z
      .string({ error: required('name a service of config/services.json') })
      .min(1, 'name a service of config/services.json')
      .describe('A service of config/services.json'),
    operation: z
      .strictObject({
        method: z.enum(HTTP_METHODS),
        path: z.string().startsWith('/', 'the path starts with "/" and is relative to the service\'s base URL'),
      })
      .describe('HTTP method and path relative to the service base URL'),
    request: z
      .strictObject({
        query: z.record(z.string(), z.unknown()).optional(),
        headers: z.record(z.string(), z.string()).optional(),
        body: z.unknown().optional(),
      })
      .optional()
      .describe('Query, headers and body; strings may hold {{ … }} templates'),
  })
  .refine((p) => !['GET', 'HEAD'].includes(p.operation.method) || p.request?.body === undefined, {
    message: 'GET and HEAD requests carry no body',
    path: ['request', 'body'],
  });
export type ExternalServiceParams = z.output<typeof ExternalServiceParamsSchema>;

declare module '../../plans/api/index.js' {
  interface LeafNodeTypes {
    external_service: ExternalServiceParams;
  }
}

import type { z } from 'zod';
import { OrchError, formatFieldIssues, toFieldIssues } from '../../../kernel/index.js';
import { type RouteContract } from './index.js';
import type { ServerLink, ServerRequestOptions } from './server-link.js';

/** What a call needs: the path parameters, the query and the body, typed by the contract's schemas. */
export type CallInput<C> =
  C extends RouteContract<infer P, infer Q, infer B, z.ZodType>
    ? { params?: z.input<P>; query?: { [K in keyof z.input<Q>]?: string | number | boolean }; body?: z.input<B> }
    : never;

/** The body a contract's success reply carries. */
export type CallOutput<C> = C extends RouteContract<z.ZodType, z.ZodType, z.ZodType, infer R> ? z.output<R> : never;

/**
 * The REST API as typed calls: a route contract (declared in the owning plugin's `api/`) plus its
 * input gives the reply parsed by the contract's response schema. Errors come back as the server's
 * `OrchError`s; a reply of another shape (a server of another version) is named as such.
 */
export class ApiClient {
  constructor(readonly link: ServerLink) {}

  async call<C extends RouteContract>(contract: C, input: CallInput<C> = {} as CallInput<C>, options?: ServerRequestOptions): Promise<CallOutput<C>> {
    const path = contract.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
      const value = (input.params as Record<string, unknown> | undefined)?.[name];
      if (value === undefined) throw new OrchError('internal', `${contract.method} ${contract.path} needs the path parameter ${name}`);
      return encodeURIComponent(String(value));
    });
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries((input.query ?? {}) as Record<string, unknown>)) if (value !== undefined) query.set(key, String(value));
    const url = query.size > 0 ? `${path}?${query}` : path;
    const reply = await this.link.request<unknown>(contract.method, url, input.body, options);
    const parsed = contract.response.safeParse(reply);
    if (!parsed.success) {
      throw new OrchError(
        'internal',
        `The Orch server answered ${contract.method} /api${contract.path} with a shape this CLI does not know (${formatFieldIssues(toFieldIssues(parsed.error))}); is the server of another Orch version?`,
      );
    }
    return parsed.data as CallOutput<C>;
  }
}

import { inject, injectable } from 'inversify';
import type { z } from 'zod';
import { describeError, OrchError } from '../../kernel/index.js';
import { type DryRunContext, type DryRunIssue, type NodeAdapter, type NodeAdapterRegistry, type NodeRunContext, type RiskLevel } from '../plans/api/index.js';
import { ExternalServiceParamsSchema, type ExternalServiceParams } from './api/index.js';
import { ServiceCatalog } from './service-catalog.js';
import { headersOf, missingSecretMessage, secretsOf } from './service-secrets.js';
import { operationUrl } from './service-url.js';
import type { ServiceConfig } from './services-config.js';

/** The `local_task` http adapter's key: external calls are http requests with the service's settings. */
const HTTP_ADAPTER = 'local_task:http';

/**
 * `external_service` nodes: an operation (method + path) of a service declared in
 * config/services.json. The service supplies base URL, default headers (secrets from named
 * environment variables), timeout and retry policy; the request itself is sent by the http task
 * adapter (adapters-local), so both behave the same: retries, size cap, output
 * `{ status, headers, body, … }`.
 */
@injectable()
export class ExternalServiceAdapter implements NodeAdapter<ExternalServiceParams, unknown> {
  readonly type = 'external_service' as const;
  readonly paramsSchema = ExternalServiceParamsSchema as unknown as z.ZodType<ExternalServiceParams>;
  readonly defaultRiskLevel: RiskLevel = 'medium';
  readonly description = 'Calls an operation of a service declared in config/services.json, with secrets from environment variables';
  private http?: NodeAdapter;

  constructor(@inject(ServiceCatalog) private readonly catalog: ServiceCatalog) {}

  /** Wired when the plugins start (an adapter cannot inject the list of adapters it belongs to). */
  useAdapters(adapters: Pick<NodeAdapterRegistry, 'get'>): void {
    this.http = adapters.get(HTTP_ADAPTER);
  }

  /** The service's own label, else reading is low and changing is medium. */
  riskOf(params: ExternalServiceParams): RiskLevel {
    const service = Object.hasOwn(this.catalog.known(), params.service) ? this.catalog.known()[params.service] : undefined;
    return service?.riskLevel ?? (['GET', 'HEAD'].includes(params.operation.method) ? 'low' : 'medium');
  }

  async dryRun({ params }: DryRunContext<ExternalServiceParams>): Promise<DryRunIssue[]> {
    let service: ServiceConfig;
    try {
      service = await this.catalog.get(params.service);
    } catch (error) {
      return [{ path: 'service', message: describeError(error) }];
    }
    const issues: DryRunIssue[] = secretsOf(service)
      .filter((s) => !s.set)
      .map((missing) => ({ path: 'service', message: missingSecretMessage(params.service, missing) }));
    if (!params.operation.path.includes('{{') && !operationUrl(service.baseUrl, params.operation.path)) {
      issues.push({ path: 'operation.path', message: `leads outside the base URL of service "${params.service}" (${service.baseUrl})` });
    }
    if (!this.http) issues.push({ path: '', message: 'external_service calls need the adapters-local plugin (local_task http), which is not loaded' });
    return issues;
  }

  async run(ctx: NodeRunContext<ExternalServiceParams>): Promise<unknown> {
    const { params } = ctx;
    const service = await this.catalog.get(params.service).catch((error: unknown) => {
      throw new OrchError('invalid_input', `node "${ctx.nodeId}": ${describeError(error)}`);
    });
    const missing = secretsOf(service).find((s) => !s.set);
    if (missing) throw new OrchError('invalid_input', missingSecretMessage(params.service, missing), { service: params.service, env: missing.env });
    const url = operationUrl(service.baseUrl, params.operation.path);
    if (!url) {
      throw new OrchError('invalid_input', `node "${ctx.nodeId}": operation.path "${params.operation.path}" leads outside the base URL of service "${params.service}" (${service.baseUrl})`);
    }
    if (!this.http) throw new OrchError('unavailable', 'external_service calls need the adapters-local plugin (local_task http), which is not loaded');

    const body = params.request?.body;
    const httpParams = this.http.paramsSchema.safeParse({
      method: params.operation.method,
      url: url.href,
      headers: { ...headersOf(service), ...(params.request?.headers ?? {}) },
      query: queryOf(params.request?.query ?? {}),
      ...(body === undefined ? {} : typeof body === 'string' ? { text: body } : { json: body }),
      timeoutMs: service.timeoutMs,
      retries: service.retry.retries,
      retryBackoffMs: service.retry.backoffMs,
      retryNonIdempotent: service.retry.retryNonIdempotent,
      maxResponseBytes: service.maxResponseBytes,
      followRedirects: service.followRedirects,
      ...(service.idempotencyHeader ? { idempotencyHeader: service.idempotencyHeader } : {}),
    });
    if (!httpParams.success) {
      const first = httpParams.error.issues[0]!;
      throw new OrchError('invalid_input', `node "${ctx.nodeId}": the request to service "${params.service}" is invalid: ${first.path.join('.')}: ${first.message}`);
    }
    const output = await this.http.run({ ...ctx, params: httpParams.data });
    return { service: params.service, ...(output as object) };
  }
}

/** Query values as the http adapter takes them: scalars and arrays of scalars; objects as JSON. */
function queryOf(query: Record<string, unknown>): Record<string, string | number | boolean | (string | number | boolean)[]> {
  const scalar = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v));
  const out: Record<string, string | number | boolean | (string | number | boolean)[]> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    out[name] = Array.isArray(value) ? value.map(scalar) : scalar(value);
  }
  return out;
}

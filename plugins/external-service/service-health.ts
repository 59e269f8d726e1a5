import { headersOf, missingSecretMessage, secretsOf } from './service-secrets.js';
import type { ServiceConfig } from './services-config.js';
import { operationUrl } from './service-url.js';

/** What `services:check` and `GET /api/services/:name/health` report for one service. */
export interface ServiceHealth {
  name: string;
  /** `skipped`: the service declares no healthPath. */
  result: 'healthy' | 'unhealthy' | 'skipped';
  url?: string;
  status?: number;
  durationMs?: number;
  detail: string;
  checkedAt: string;
}

/**
 * One GET of the service's health path with its headers (secrets included: health endpoints are
 * often behind the same key), no retries: a check reports what is, now. 2xx is healthy.
 */
export async function checkServiceHealth(name: string, service: ServiceConfig, timeoutMs: number): Promise<ServiceHealth> {
  const checkedAt = new Date().toISOString();
  if (!service.healthPath) return { name, result: 'skipped', detail: 'no healthPath in config/services.json', checkedAt };
  const url = operationUrl(service.baseUrl, service.healthPath);
  if (!url) return { name, result: 'unhealthy', detail: `healthPath ${service.healthPath} leads outside baseUrl ${service.baseUrl}`, checkedAt };
  const missing = secretsOf(service).find((s) => !s.set);
  if (missing) return { name, result: 'unhealthy', url: url.href, detail: missingSecretMessage(name, missing), checkedAt };
  const started = Date.now();
  try {
    const response = await fetch(url, {
      headers: headersOf(service),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: service.followRedirects ? 'follow' : 'manual',
    });
    await response.body?.cancel().catch(() => undefined);
    const durationMs = Date.now() - started;
    const healthy = response.status >= 200 && response.status < 300;
    const location = response.headers.get('location');
    if (location && response.status >= 300 && response.status < 400) {
      const detail = `${response.status} redirect to ${location} (not followed: set "followRedirects": true for this service)`;
      return { name, result: 'unhealthy', url: url.href, status: response.status, durationMs, detail, checkedAt };
    }
    return {
      name,
      result: healthy ? 'healthy' : 'unhealthy',
      url: url.href,
      status: response.status,
      durationMs,
      detail: `${response.status} ${response.statusText}`.trim(),
      checkedAt,
    };
  } catch (error) {
    const durationMs = Date.now() - started;
    const timedOut = (error as Error).name === 'TimeoutError';
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return {
      name,
      result: 'unhealthy',
      url: url.href,
      durationMs,
      detail: timedOut ? `no answer within ${timeoutMs} ms` : `unreachable: ${cause ?? (error as Error).message}`,
      checkedAt,
    };
  }
}

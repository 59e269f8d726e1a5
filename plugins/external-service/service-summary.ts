import { secretsOf, type SecretUse } from './service-secrets.js';
import type { ServicesConfig } from './services-config.js';

/** A service as lists show it: everything but secret values (only whether each variable is set). */
export interface ServiceSummary {
  name: string;
  description?: string;
  baseUrl: string;
  healthPath?: string;
  timeoutMs: number;
  retries: number;
  riskLevel?: string;
  /** Header names only: plain values may still be sensitive. */
  headers: string[];
  secrets: SecretUse[];
}

export function summarizeServices(services: ServicesConfig): ServiceSummary[] {
  return Object.entries(services)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, s]) => ({
      name,
      ...(s.description ? { description: s.description } : {}),
      baseUrl: s.baseUrl,
      ...(s.healthPath ? { healthPath: s.healthPath } : {}),
      timeoutMs: s.timeoutMs,
      retries: s.retry.retries,
      ...(s.riskLevel ? { riskLevel: s.riskLevel } : {}),
      headers: Object.keys(s.headers),
      secrets: secretsOf(s),
    }));
}

import type { ServiceConfig } from './services-config.js';

export interface SecretUse {
  header: string;
  env: string;
  set: boolean;
}

/** The secret headers of a service and whether this process has each variable. */
export function secretsOf(service: ServiceConfig, env: NodeJS.ProcessEnv = process.env): SecretUse[] {
  return Object.entries(service.headers).flatMap(([header, value]) =>
    typeof value === 'string' ? [] : [{ header, env: value.env, set: (env[value.env] ?? '') !== '' }],
  );
}

/** A sentence naming the service and the variable, for dry runs, calls and checks alike. */
export function missingSecretMessage(name: string, missing: SecretUse): string {
  return `service "${name}" needs the environment variable ${missing.env} (for header ${missing.header}), which is not set in this process`;
}

/** The headers to send, secrets filled in; undefined secrets are the caller's to refuse first. */
export function headersOf(service: ServiceConfig, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [header, value] of Object.entries(service.headers)) {
    out[header] = typeof value === 'string' ? value : `${value.prefix}${env[value.env] ?? ''}`;
  }
  return out;
}

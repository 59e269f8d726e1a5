import { describeError } from '../../kernel/index.js';
import { loopbackRequest } from './loopback-request.js';

export type HealthProbe = { ok: true; pid: number; home: string } | { ok: false; reason: string };

/** Asks `<baseUrl>/api/health` who is answering, giving up after `timeoutMs`. */
export async function probeHealth(baseUrl: string, timeoutMs: number): Promise<HealthProbe> {
  try {
    const response = await loopbackRequest(new URL('/api/health', baseUrl), { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { ok: false, reason: `${baseUrl}/api/health answered ${response.status}` };
    const body = JSON.parse(response.text) as { pid?: unknown; home?: unknown };
    if (typeof body.pid !== 'number' || typeof body.home !== 'string') return { ok: false, reason: `${baseUrl}/api/health is not an Orch server's` };
    return { ok: true, pid: body.pid, home: body.home };
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describeCause(error);
    return { ok: false, reason: `${baseUrl} is unreachable: ${reason}` };
  }
}

/** A failed request (fetch() or loopbackRequest) holds the socket error (ECONNREFUSED…) in `cause`. */
export function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return describeError(error);
}

import { connect } from 'node:net';
import { OrchError } from '../../kernel/index.js';

/** How long a successful probe vouches for an endpoint before the next call probes again. */
const TRUSTED_FOR_MS = 30_000;
const reachedAt = new Map<string, number>();

/**
 * Opens (and closes) one TCP connection to the host of `baseURL`, bounded by `timeoutMs`. Node's
 * fetch waits about ten seconds for a connection by itself and the response timeout is minutes, so
 * without this an endpoint that is down or filtered would show up late; a refused connection is
 * reported within milliseconds either way, and the message says which endpoint and what to check.
 */
export async function probeEndpoint(provider: string, baseURL: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const url = new URL(baseURL);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const key = `${host}:${port}`;
  const last = reachedAt.get(key);
  if (last !== undefined && Date.now() - last < TRUSTED_FOR_MS) return;
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    const finish = (error?: Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = () => finish(new OrchError('cancelled', `Cancelled while connecting to model provider "${provider}"`));
    const timer = setTimeout(
      () => finish(unreachable(provider, baseURL, `no connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('connect', () => finish());
    socket.once('error', (error: NodeJS.ErrnoException) => finish(unreachable(provider, baseURL, reasonOf(error))));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  reachedAt.set(key, Date.now());
}

/** Forget earlier successes (a test that stops a server and expects the next call to notice). */
export function forgetProbes(): void {
  reachedAt.clear();
}

export function unreachable(provider: string, baseURL: string, reason: string): OrchError {
  return new OrchError(
    'unavailable',
    `Model provider "${provider}" at ${baseURL} cannot be reached (${reason}). Is the model server running? Check providers.${provider}.baseURL in config/models.json.`,
    { provider, baseURL },
  );
}

function reasonOf(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      return error.code ?? error.message;
  }
}

import { HttpError } from './error-reply.js';

/**
 * Orch has no authentication, so a loopback server must not be usable by web pages of other sites
 * the operator happens to visit: a cross-site page can send simple POSTs and open WebSockets to
 * 127.0.0.1 (no CORS applies to either), and DNS rebinding can make a foreign name point at it.
 * So, when listening on loopback: the Host must be a loopback name, and a browser's Origin, when
 * sent, must be a loopback origin too. On an address chosen on purpose (`server.host`), the Origin
 * must match the Host the browser used.
 */
export function checkRequestOrigin(headers: { host?: string; origin?: string | string[] }, listenHost: string): void {
  const host = hostnameOf(headers.host);
  const origin = Array.isArray(headers.origin) ? headers.origin[0] : headers.origin;
  if (isLoopback(listenHost)) {
    if (host !== undefined && !isLoopback(host)) {
      throw refused(`Host "${headers.host}" is not this loopback server's address; use http://127.0.0.1 or http://localhost`);
    }
    if (origin !== undefined && origin !== 'null' && !isLoopback(originHostname(origin))) {
      throw refused(`Requests from web pages of ${origin} are refused: Orch answers only local pages (it has no authentication)`);
    }
    if (origin === 'null') throw refused('Requests from sandboxed or local-file pages (Origin: null) are refused');
    return;
  }
  if (origin !== undefined && originHostname(origin) !== host) {
    throw refused(`Requests from web pages of ${origin} are refused: only pages served from ${headers.host ?? 'this server'} may call it`);
  }
}

function refused(message: string): HttpError {
  return new HttpError(403, 'invalid_input', message, { issues: [{ path: 'headers.origin', message }] });
}

export function isLoopback(hostname: string | undefined): boolean {
  if (!hostname) return false;
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare.endsWith('.localhost') || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return host;
  }
}

function originHostname(origin: string): string | undefined {
  try {
    return new URL(origin).hostname;
  } catch {
    return undefined;
  }
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the test server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A real HTTP server on 127.0.0.1 (port chosen by the OS) for the http and external_service tests:
 * - `/status/<code>` answers that status with a small JSON body;
 * - `/flaky/<key>?failures=N&code=503` fails N times per key, then answers 200;
 * - `/slow?ms=N` answers after N ms (or never, when the client gives up first);
 * - `/large?bytes=N` sends N bytes of text (streamed, no content-length with `chunked=1`);
 * - `/echo` answers { method, path, query, headers, body } as JSON;
 * - `/text`, `/binary`, `/bad-json` for content-type decoding; `/redirect` → `/echo`;
 * - `/health` answers { ok: true }; `/retry-after?seconds=N` answers 503 with Retry-After.
 * Paths may be prefixed with `/api`. Every request is recorded in `seen`.
 */
export interface AdaptersHttpServer {
  url: string;
  seen: SeenRequest[];
  /** Requests whose path starts with `prefix`. */
  count(prefix: string): number;
  close(): Promise<void>;
}

export async function startAdaptersHttpServer(): Promise<AdaptersHttpServer> {
  const seen: SeenRequest[] = [];
  const failuresSoFar = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request: SeenRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      route(request, url, res, failuresSoFar);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    count: (prefix) => seen.filter((r) => r.path.startsWith(prefix)).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function route(request: SeenRequest, url: URL, res: ServerResponse, failuresSoFar: Map<string, number>): void {
  // `/api/…` is served like `/…`, for services whose base URL has a path.
  const [, first, second] = request.path.replace(/^\/api(?=\/)/, '').split('/');
  switch (first) {
    case 'status': {
      const code = Number(second);
      if (code === 204 || code === 304) {
        res.writeHead(code).end();
        return;
      }
      json(res, code, { status: code, detail: `answered ${code} on purpose` });
      return;
    }
    case 'flaky': {
      const key = second ?? 'default';
      const failures = Number(url.searchParams.get('failures') ?? 1);
      const so = failuresSoFar.get(key) ?? 0;
      if (so < failures) {
        failuresSoFar.set(key, so + 1);
        json(res, Number(url.searchParams.get('code') ?? 503), { error: 'temporarily unavailable', try: so + 1 });
        return;
      }
      json(res, 200, { ok: true, failuresBefore: so });
      return;
    }
    case 'slow': {
      const timer = setTimeout(() => json(res, 200, { slow: true }), Number(url.searchParams.get('ms') ?? 1000));
      res.on('close', () => clearTimeout(timer));
      return;
    }
    case 'large': {
      const bytes = Number(url.searchParams.get('bytes') ?? 1024);
      const chunked = url.searchParams.get('chunked') === '1';
      res.writeHead(200, { 'content-type': 'text/plain', ...(chunked ? {} : { 'content-length': String(bytes) }) });
      const block = Buffer.alloc(64 * 1024, 'x');
      let left = bytes;
      const pump = () => {
        while (left > 0) {
          const part = block.subarray(0, Math.min(left, block.length));
          left -= part.length;
          if (!res.write(part)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
      return;
    }
    case 'echo':
      json(res, 200, { method: request.method, path: request.path, query: request.query, headers: request.headers, body: request.body });
      return;
    case 'text':
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('plain words');
      return;
    case 'binary':
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([0, 1, 2, 255]));
      return;
    case 'bad-json':
      res.writeHead(200, { 'content-type': 'application/json' }).end('{not json');
      return;
    case 'redirect':
      res.writeHead(302, { location: '/echo' }).end();
      return;
    case 'health':
      json(res, 200, { ok: true });
      return;
    case 'retry-after':
      json(res, 503, { error: 'busy' }, { 'retry-after': url.searchParams.get('seconds') ?? '0' });
      return;
    default:
      json(res, 404, { error: `no route ${request.path}` });
  }
}

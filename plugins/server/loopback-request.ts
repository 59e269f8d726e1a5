import { request as httpRequest } from 'node:http';

export interface LoopbackResponse {
  status: number;
  ok: boolean;
  text: string;
}

export interface LoopbackRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/**
 * One HTTP request from a CLI process to the Orch server, on `node:http`. Node's `fetch` loads and
 * compiles its HTTP client (undici) on first use, 60–100 ms of every command that talks to the
 * server; this is a few milliseconds. Fails like `fetch` does: with the signal's reason when it is
 * aborted (`TimeoutError`, `AbortError`), else with an error whose `cause` is the socket error
 * (`ECONNREFUSED`…). Other URLs than plain http go through `fetch`.
 */
export async function loopbackRequest(url: string | URL, options: LoopbackRequestOptions = {}): Promise<LoopbackResponse> {
  const target = new URL(url);
  if (target.protocol !== 'http:') {
    const response = await fetch(target, options);
    return { status: response.status, ok: response.ok, text: await response.text() };
  }
  options.signal?.throwIfAborted();
  return new Promise<LoopbackResponse>((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = httpRequest(target, {
      method: options.method ?? 'GET',
      headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      signal: options.signal,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (error) => reject(failure(error, options.signal)));
    });
    req.on('error', (error) => reject(failure(error, options.signal)));
    req.end(body);
  });
}

function failure(error: Error, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  return new Error(`request to the Orch server failed: ${error.message}`, { cause: error });
}

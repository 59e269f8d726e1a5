import { runtime } from './runtime';

/** An error answer of the Orch API: `{ error: { code, message, issues? } }`, or a network failure. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  signal?: AbortSignal;
  query?: Record<string, string | number | boolean | undefined>;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

/**
 * Calls the Orch API on this origin. Paths start with `/api/`. Sends the operator chosen in the
 * shell as `x-orch-operator` and marks the call as coming from the GUI (recorded with decisions).
 */
export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-orch-client': 'gui' };
  const operator = runtime.operator.get();
  if (operator) headers['x-orch-operator'] = operator;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(`The Orch server did not answer ${method} ${path}`, 0, 'unavailable');
  }
  const text = await response.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(`${method} ${path} answered ${response.status} with something other than JSON`, response.status, 'bad_response');
  }
  if (!response.ok) {
    const err = (data as { error?: { code?: string; message?: string; details?: { issues?: Array<{ path: string; message: string }> } } } | undefined)?.error;
    throw new ApiError(err?.message ?? `${method} ${path} failed with ${response.status}`, response.status, err?.code ?? "error", err?.details?.issues ?? []);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
  post: <T>(path: string, body: unknown = {}, options?: RequestOptions) => request<T>('POST', path, body, options),
  put: <T>(path: string, body: unknown = {}, options?: RequestOptions) => request<T>('PUT', path, body, options),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),
};

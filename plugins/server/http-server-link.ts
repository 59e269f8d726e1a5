import { inject, injectable } from 'inversify';
import { OrchError, Paths, ProcessContext, type OrchErrorCode } from '../../kernel/index.js';
import { type ServerLink, type ServerLocation, type ServerRequestOptions } from './api/index.js';
import { STATUS_BY_CODE } from './error-reply.js';
import { describeCause } from './health-probe.js';
import { loopbackRequest, type LoopbackResponse } from './loopback-request.js';
import { ServerFile } from './server-file.js';

const CHECK_ADVICE = 'Check that the Orch server is still running (`orch status`, `orch start`) and that its MCP servers are reachable (config/mcp.servers.json).';

/**
 * `ServerLink` over HTTP: finds the server through `state/server.json` (live pid, health answering
 * for this home), then sends REST calls with this process's operator and `x-orch-client: cli`.
 */
@injectable()
export class HttpServerLink implements ServerLink {
  private located?: { at: number; location: ServerLocation };

  constructor(
    @inject(ServerFile) private readonly file: ServerFile,
    @inject(ProcessContext) private readonly process: ProcessContext,
    @inject(Paths) private readonly paths: Paths,
  ) {}

  async locate(): Promise<ServerLocation | undefined> {
    const state = await this.file.inspect();
    if (state.kind !== 'alive') {
      this.located = undefined;
      return undefined;
    }
    this.located = { at: Date.now(), location: state.location };
    return state.location;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, options: ServerRequestOptions = {}): Promise<T> {
    // A command usually locates then calls at once: reuse a fresh location instead of probing twice.
    const location = this.located && Date.now() - this.located.at < 10_000 ? this.located.location : await this.locate();
    if (!location) {
      throw new OrchError('unavailable', `No Orch server is running for ${this.paths.home}. ${CHECK_ADVICE}`, { home: this.paths.home });
    }
    const url = `${location.baseUrl}/api${path.startsWith('/') ? path : `/${path}`}`;
    const signals = [options.signal, this.process.shutdownSignal, options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    let response: LoopbackResponse;
    try {
      response = await loopbackRequest(url, {
        method: method.toUpperCase(),
        headers: {
          accept: 'application/json',
          'x-orch-operator': this.process.operator,
          'x-orch-client': 'cli',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      this.located = undefined;
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new OrchError('timeout', `The Orch server at ${location.baseUrl} did not answer ${method.toUpperCase()} /api${path} within ${options.timeoutMs} ms. ${CHECK_ADVICE}`);
      }
      if (error instanceof Error && error.name === 'AbortError') throw new OrchError('cancelled', `${method.toUpperCase()} /api${path} was cancelled`);
      throw new OrchError('unavailable', `Cannot reach the Orch server at ${location.baseUrl} (pid ${location.pid}): ${describeCause(error)}. ${CHECK_ADVICE}`, {
        baseUrl: location.baseUrl,
      });
    }
    const text = response.text;
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok) {
      if (text && parsed === undefined) throw new OrchError('internal', `The Orch server answered ${method.toUpperCase()} /api${path} with something that is not JSON`);
      return parsed as T;
    }
    const error = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
    if (error?.message) throw new OrchError(toCode(error.code, response.status), error.message, error.details);
    throw new OrchError(toCode(undefined, response.status), `The Orch server answered ${response.status} to ${method.toUpperCase()} /api${path}${text ? `: ${text.slice(0, 200)}` : ''}`);
  }
}

function toCode(code: string | undefined, status: number): OrchErrorCode {
  if (code && code in STATUS_BY_CODE) return code as OrchErrorCode;
  const byStatus = Object.entries(STATUS_BY_CODE).find(([, s]) => s === status);
  if (byStatus) return byStatus[0] as OrchErrorCode;
  return status >= 500 ? 'internal' : 'invalid_input';
}

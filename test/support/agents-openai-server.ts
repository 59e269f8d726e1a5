import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 for tests: `POST /v1/chat/completions` (plain
 * JSON or SSE streaming, tool calls, `response_format`) and `GET /v1/models`. Replies are scripted per
 * test — a queue of replies and/or a function of the request — and every request is recorded, so both
 * the `openai` SDK and `@openai/agents` are exercised over their real HTTP path.
 *
 *   const server = await startOpenAiServer({ replies: [toolCallReply('lookup', { q: 'x' }), textReply('done')] });
 *   new OpenAI({ baseURL: server.baseURL, apiKey: 'test' });
 *   ...
 *   await server.close();
 */

export interface ScriptedToolCall {
  name: string;
  /** An object (serialised for you) or the raw argument string (to test malformed arguments). */
  arguments: unknown;
  id?: string;
}

export interface ScriptedReply {
  /** Assistant text; with `json` set, its serialisation wins. */
  content?: string;
  /** Serialised as the assistant content — the usual answer to `response_format`. */
  json?: unknown;
  toolCalls?: ScriptedToolCall[];
  usage?: { promptTokens: number; completionTokens: number };
  finishReason?: 'stop' | 'tool_calls' | 'length' | 'content_filter';
  /** Answer with an HTTP error instead (the body follows OpenAI's `{ error: { message, type, code } }`). */
  error?: { status: number; message: string; type?: string; code?: string };
  /** Delay before answering — for timeout and abort tests. */
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (chat completions), or undefined. */
  body: ChatCompletionRequestBody | undefined;
}

/** The parts of a Chat Completions request tests usually look at; everything else stays reachable. */
export interface ChatCompletionRequestBody {
  model: string;
  messages: { role: string; content?: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

export type ReplyFunction = (request: ChatCompletionRequestBody, index: number) => ScriptedReply | Promise<ScriptedReply>;

export interface OpenAiServerOptions {
  /** Replies handed out in order, one per chat completion request. */
  replies?: ScriptedReply[];
  /** Used when the queue is empty (or always, if no queue). Without either, the server answers 500. */
  respond?: ReplyFunction;
  /** Behave like servers without JSON-schema support: `response_format.type === 'json_schema'` → 400. */
  rejectJsonSchema?: boolean;
  /** Model ids for `GET /v1/models`. */
  models?: string[];
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
}

export interface OpenAiTestServer {
  /** `http://127.0.0.1:<port>/v1` — what an OpenAI client takes as `baseURL`. */
  baseURL: string;
  port: number;
  /** Every request received, in order (including `/v1/models` and rejected ones). */
  requests: RecordedRequest[];
  /** Only the chat completion bodies, in order. */
  readonly completions: ChatCompletionRequestBody[];
  /** Appends replies to the queue. */
  enqueue(...replies: ScriptedReply[]): void;
  /** Replaces the fallback reply function. */
  respondWith(respond: ReplyFunction | undefined): void;
  /** Replies still queued (a test can assert the script was used up). */
  pending(): number;
  close(): Promise<void>;
}

export function textReply(content: string, extra: Partial<ScriptedReply> = {}): ScriptedReply {
  return { content, ...extra };
}

export function jsonReply(value: unknown, extra: Partial<ScriptedReply> = {}): ScriptedReply {
  return { json: value, ...extra };
}

export function toolCallReply(name: string, args: unknown, extra: Partial<ScriptedReply> = {}): ScriptedReply {
  return { toolCalls: [{ name, arguments: args }], ...extra };
}

export function errorReply(status: number, message: string, extra: Partial<NonNullable<ScriptedReply['error']>> = {}): ScriptedReply {
  return { error: { status, message, ...extra } };
}

export async function startOpenAiServer(options: OpenAiServerOptions = {}): Promise<OpenAiTestServer> {
  const queue: ScriptedReply[] = [...(options.replies ?? [])];
  let respond = options.respond;
  let completionIndex = 0;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, `test server failure: ${(error as Error).message}`);
      else res.end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const raw = await readBody(req);
    let body: ChatCompletionRequestBody | undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw) as ChatCompletionRequestBody;
      } catch {
        requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body: undefined });
        return sendError(res, 400, 'request body is not JSON');
      }
    }
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });

    if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendError(res, 401, 'Incorrect API key provided', 'invalid_request_error', 'invalid_api_key');
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const data = (options.models ?? ['test-model']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'orch-tests' }));
      return sendJson(res, 200, { object: 'list', data });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') return sendError(res, 404, `no route ${req.method} ${path}`);
    if (!body) return sendError(res, 400, 'missing request body');
    if (options.rejectJsonSchema && body.response_format?.type === 'json_schema') {
      return sendError(res, 400, "response_format type 'json_schema' is not supported by this server", 'invalid_request_error');
    }

    const index = completionIndex++;
    const reply = queue.shift() ?? (respond ? await respond(body, index) : undefined);
    if (!reply) return sendError(res, 500, `no scripted reply left for chat completion #${index + 1}`);
    if (reply.delayMs) await delay(reply.delayMs, res);
    if (res.destroyed) return;
    if (reply.error) return sendError(res, reply.error.status, reply.error.message, reply.error.type, reply.error.code);
    if (body.stream) return sendStream(res, body, reply, index);
    return sendJson(res, 200, completionOf(body, reply, index));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get completions() {
      return requests.filter((r) => r.path === '/v1/chat/completions' && r.body).map((r) => r.body!);
    },
    enqueue(...replies) {
      queue.push(...replies);
    },
    respondWith(next) {
      respond = next;
    },
    pending() {
      return queue.length;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function completionOf(body: ChatCompletionRequestBody, reply: ScriptedReply, index: number) {
  const toolCalls = toolCallsOf(reply, index);
  return {
    id: `chatcmpl-test-${index + 1}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: contentOf(reply),
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          refusal: null,
        },
        finish_reason: reply.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
        logprobs: null,
      },
    ],
    usage: usageOf(reply),
  };
}

/** SSE in the shape OpenAI streams: role chunk, content deltas, tool-call deltas, finish, usage, [DONE]. */
function sendStream(res: ServerResponse, body: ChatCompletionRequestBody, reply: ScriptedReply, index: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const base = { id: `chatcmpl-test-${index + 1}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`);
  chunk({ role: 'assistant', content: '' });
  const content = contentOf(reply);
  if (content) {
    // Two deltas, so clients that join them are exercised.
    const middle = Math.ceil(content.length / 2);
    chunk({ content: content.slice(0, middle) });
    if (middle < content.length) chunk({ content: content.slice(middle) });
  }
  const toolCalls = toolCallsOf(reply, index);
  toolCalls.forEach((call, i) => {
    chunk({ tool_calls: [{ index: i, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] });
    chunk({ tool_calls: [{ index: i, function: { arguments: call.function.arguments } }] });
  });
  chunk({}, reply.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'));
  if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: usageOf(reply) })}\n\n`);
  res.write('data: [DONE]\n\n');
  res.end();
}

function contentOf(reply: ScriptedReply): string | null {
  if (reply.json !== undefined) return JSON.stringify(reply.json);
  return reply.content ?? (reply.toolCalls?.length ? null : '');
}

function toolCallsOf(reply: ScriptedReply, index: number) {
  return (reply.toolCalls ?? []).map((call, i) => ({
    id: call.id ?? `call_${index + 1}_${i + 1}`,
    type: 'function' as const,
    function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}) },
  }));
}

function usageOf(reply: ScriptedReply) {
  const prompt = reply.usage?.promptTokens ?? 10;
  const completion = reply.usage?.completionTokens ?? 5;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string, type = 'invalid_request_error', code?: string): void {
  sendJson(res, status, { error: { message, type, param: null, code: code ?? null } });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Waits, but stops early when the client hangs up (an aborted request). */
function delay(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { inject, injectable } from 'inversify';
import { Logger } from '../../kernel/index.js';
import type { ContributedModelEndpoint, ModelProviderContribution } from '../agents/api/index.js';
import { demoReply, type ChatRequest, type DemoReply } from './demo-replies.js';

/** The provider name agents and config/models.json use. */
export const DEMO_PROVIDER = 'demo';
/** The one model it serves; run records show it as the agent's model. */
export const DEMO_MODEL = 'demo/orch-demo-1';
/** Largest request body accepted. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * The offline demo model: an OpenAI Chat Completions endpoint served in this process on 127.0.0.1
 * (a free port, chosen on first use) that answers deterministically (`demoReply`). It is a model
 * provider like any other to the agents plugin — Chat Completions, tool calls, `response_format`
 * json_schema, streaming — so agents, the Designer and the Meta Agent run their real code paths.
 * The server does not keep a process alive (a one-shot CLI command exits when done).
 */
@injectable()
export class DemoModelServer implements ModelProviderContribution {
  readonly name = DEMO_PROVIDER;
  readonly description = "Orch's offline demo model: canned, deterministic answers labelled [demo model], for trying Orch without a model server";
  private server: Server | undefined;
  private starting: Promise<ContributedModelEndpoint> | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly log: Logger;
  /** Chat completions answered, for `status` and tests. */
  answered = 0;

  constructor(@inject(Logger) logger: Logger) {
    this.log = logger.child({ category: 'agents', plugin: 'demo-model' });
  }

  endpoint(): Promise<ContributedModelEndpoint> {
    this.starting ??= this.listen().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.starting = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<ContributedModelEndpoint> {
    const server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, 500, `demo model failure: ${(error as Error).message}`);
        else res.end();
      });
    });
    server.on('connection', (socket) => {
      socket.unref();
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    server.unref();
    this.server = server;
    const { port } = server.address() as AddressInfo;
    const endpoint = { baseURL: `http://127.0.0.1:${port}/v1`, model: DEMO_MODEL };
    this.log.info(`Demo model listening on ${endpoint.baseURL}`, { baseURL: endpoint.baseURL });
    return endpoint;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, { object: 'list', data: [{ id: DEMO_MODEL, object: 'model', created: 0, owned_by: 'orch-demo' }] });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') return sendError(res, 404, `The demo model serves POST /v1/chat/completions, not ${req.method} ${path}`);
    let body: ChatRequest;
    try {
      body = JSON.parse(await readBody(req)) as ChatRequest;
    } catch (error) {
      return sendError(res, 400, `request body is not JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(body.messages)) return sendError(res, 400, 'messages: an array of chat messages is required');
    const reply = demoReply(body);
    this.answered++;
    const usage = usageOf(body, reply);
    if (body.stream) return sendStream(res, reply, usage, body.stream_options?.include_usage === true);
    return sendJson(res, 200, {
      id: `chatcmpl-demo-${this.answered}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: DEMO_MODEL,
      choices: [{ index: 0, message: messageOf(reply), finish_reason: reply.toolCalls.length ? 'tool_calls' : 'stop', logprobs: null }],
      usage,
    });
  }
}

function messageOf(reply: DemoReply) {
  return {
    role: 'assistant',
    content: reply.content,
    refusal: null,
    ...(reply.toolCalls.length ? { tool_calls: reply.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}),
  };
}

/** Rough token counts (four characters a token), so usage is never zero. */
function usageOf(body: ChatRequest, reply: DemoReply) {
  const prompt = Math.max(1, Math.ceil(JSON.stringify(body.messages ?? []).length / 4));
  const completion = Math.max(1, Math.ceil(((reply.content ?? '').length + reply.toolCalls.reduce((n, c) => n + c.arguments.length, 0)) / 4));
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function sendStream(res: ServerResponse, reply: DemoReply, usage: ReturnType<typeof usageOf>, includeUsage: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const base = { id: 'chatcmpl-demo-stream', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: DEMO_MODEL };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`);
  chunk({ role: 'assistant', content: '' });
  if (reply.content) chunk({ content: reply.content });
  reply.toolCalls.forEach((call, index) => chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] }));
  chunk({}, reply.toolCalls.length ? 'tool_calls' : 'stop');
  if (includeUsage) res.write(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
  res.write('data: [DONE]\n\n');
  res.end();
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { message, type: 'invalid_request_error', param: null, code: null } });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { EventContribution, type EventSchemas } from '../../kernel/index.js';
import { ServerLocationSchema, type ServerLocation } from '../../plugins/server/api/index.js';
import type { Kernel } from '../../kernel/kernel.js';
import { createTestHome, type TestHome } from './test-home.js';

/** The fixture package with test routes, a panel and an event publisher (`test/fixtures/server-echo`). */
export const ECHO_PLUGIN_DIR = fileURLToPath(new URL('../fixtures/server-echo', import.meta.url));

export interface TestServer {
  home: TestHome;
  kernel: Kernel;
  location: ServerLocation;
  baseUrl: string;
  wsUrl: string;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Extra `server` settings of config/orch.json (port is 0 unless given). */
  server?: Record<string, unknown>;
  /** Plugin package folders (absolute) to list in `plugins.packages`. */
  packages?: string[];
  /** Selection passed as `--plugins` (default: core and the packages' ids). */
  plugins?: string[];
  /** Reuse a home (e.g. to test restarts). */
  home?: TestHome;
  /** Event types to accept as if a loaded plugin contributed them. */
  events?: EventSchemas;
}

/** An in-process `server`-role kernel on a free loopback port, in an isolated home. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const packages = options.packages ?? [ECHO_PLUGIN_DIR];
  const home = options.home ?? (await createTestHome());
  // Every reply is checked against its route's declared response schema: each test is also a contract test.
  await home.writeConfig('orch.json', { server: { port: 0, checkResponses: true, ...options.server }, plugins: { packages } });
  const ids = await Promise.all(packages.map(async (p) => (JSON.parse(await readFile(join(p, 'package.json'), 'utf8')) as { orch: { id: string } }).orch.id));
  const kernel = await home.boot({ role: 'server', plugins: options.plugins ?? ['core', ...ids] });
  // Event types as if a loaded plugin contributed them (tests that publish on the bus directly).
  if (options.events) kernel.container.bind(EventContribution).toConstantValue({ events: options.events });
  await kernel.start();
  const location = await readServerFile(home.dir);
  if (!location) throw new Error(`The server did not write state/server.json in ${home.dir}; see ${join(home.dir, 'logs', 'app.jsonl')}`);
  return {
    home,
    kernel,
    location,
    baseUrl: location.baseUrl,
    wsUrl: `${location.baseUrl.replace(/^http/, 'ws')}/api/events`,
    stop: () => kernel.stop(),
  };
}

export async function readServerFile(homeDir: string): Promise<ServerLocation | undefined> {
  try {
    return ServerLocationSchema.parse(JSON.parse(await readFile(join(homeDir, 'state', 'server.json'), 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export interface ApiReply<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON (undefined for an empty body). */
  body: T;
  text: string;
}

/** One REST call; `body` is JSON-encoded unless `raw` is given. */
export async function callApi<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<ApiReply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | Buffer | undefined = options.raw;
  if (payload === undefined && options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? (JSON.parse(text) as T) : (undefined as T) };
}

/**
 * A WebSocket client of `/api/events` that keeps every message, so tests can wait for one and then
 * check the order of everything received. Waits are bounded: they fail with what did arrive.
 */
export class EventClient {
  readonly messages: any[] = [];
  closed?: { code: number; reason: string };
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  static connect(wsUrl: string, options: { topics?: string; autoPong?: boolean; since?: number; instance?: string } = {}): Promise<EventClient> {
    const query = new URLSearchParams();
    if (options.topics !== undefined) query.set('topics', options.topics);
    if (options.since !== undefined) query.set('since', String(options.since));
    if (options.instance !== undefined) query.set('instance', options.instance);
    const url = query.size === 0 ? wsUrl : `${wsUrl}?${query}`;
    const ws = new WebSocket(url, { autoPong: options.autoPong ?? true });
    const client = new EventClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_request, response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk));
        response.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${response.statusCode} ${text}`), { status: response.statusCode, body: text })));
      });
      ws.once('error', reject);
    });
  }

  /** Resolves with the first message (from the start) matching `predicate`. */
  async waitFor(predicate: (message: any) => boolean, what: string, timeoutMs = 15_000): Promise<any> {
    let checked = 0;
    let found: any;
    await this.waitUntil(
      () => {
        // Only messages not seen yet: a long stream stays linear.
        for (; checked < this.messages.length && found === undefined; checked++) if (predicate(this.messages[checked])) found = this.messages[checked];
        return found !== undefined;
      },
      what,
      timeoutMs,
    );
    return found;
  }

  /** Resolves once `condition` (about everything received so far) holds; checked after each message. */
  async waitUntil(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (condition()) return;
      if (this.closed) throw new Error(`Connection closed (${this.closed.code} ${this.closed.reason}) before ${what}; got ${this.describe()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what}; got ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once the server closed the connection. */
  async waitForClose(timeoutMs = 15_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('Timed out waiting for the server to close the connection');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.closed;
  }

  events(): any[] {
    return this.messages.filter((m) => m.type !== 'snapshot' && m.type !== 'heartbeat');
  }

  close(): void {
    this.ws.terminate();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private describe(): string {
    const types = this.messages.map((m) => m.type);
    return `${types.length} messages${types.length ? ` (${types.slice(-8).join(', ')})` : ''}`;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive, type EventBus, type OrchEvent } from '../../kernel/index.js';

/**
 * Real MCP peers for the bridge tests: the bundled sample server and the public
 * `@modelcontextprotocol/server-everything`, both spawned with process.execPath (never npx), over
 * stdio (through the bridge) or Streamable HTTP (started here, so a test can kill and restart them).
 */
export const SAMPLE_SERVER = fileURLToPath(new URL('../../examples/mcp-sample-server/server.mjs', import.meta.url));
export const EVERYTHING_SERVER = join(
  dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist',
  'index.js',
);

/** A safety bound for waits, never an assertion about speed. */
const STARTUP_LIMIT_MS = 20_000;

export function sampleStdio(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { transport: 'stdio', command: 'node', args: [SAMPLE_SERVER], ...extra };
}

export function everythingStdio(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { transport: 'stdio', command: 'node', args: [EVERYTHING_SERVER, 'stdio'], ...extra };
}

export function httpAlias(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { transport: 'http', url, ...extra };
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface HttpPeer {
  url: string;
  port: number;
  pid: number;
  /** Sends the signal and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Starts an MCP server over Streamable HTTP on 127.0.0.1 (on `port`, or a free one). */
export async function startHttpPeer(kind: 'sample' | 'everything', port?: number): Promise<HttpPeer> {
  const chosen = port ?? (await freePort());
  const child =
    kind === 'sample'
      ? spawn(process.execPath, [SAMPLE_SERVER, '--http', '--port', String(chosen)], { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(process.execPath, [EVERYTHING_SERVER, 'streamableHttp'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PORT: String(chosen) } });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  const ready = kind === 'sample' ? /listening on http:\/\/127\.0\.0\.1:(\d+)\/mcp/ : /listening on port (\d+)/;
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${kind} MCP server did not start within ${STARTUP_LIMIT_MS} ms: ${output}`)), STARTUP_LIMIT_MS);
    const watch = (chunk: Buffer): void => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', watch);
    child.stderr!.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} MCP server exited with code ${code} before listening: ${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${chosen}/mcp`,
    port: chosen,
    pid: child.pid!,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Kills every HTTP peer a test left running (call in `afterEach`). */
export async function stopAllPeers(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    }),
  );
}

/** Every event published on the bus from now on, with bounded waits. */
export class EventLog {
  readonly events: OrchEvent[] = [];
  private readonly stop: () => void;

  constructor(bus: EventBus) {
    this.stop = bus.subscribe((event) => void this.events.push(event));
  }

  of<T extends OrchEvent['type']>(type: T, alias?: string): Extract<OrchEvent, { type: T }>[] {
    return this.events.filter((e) => e.type === type && (alias === undefined || (e as { alias?: string }).alias === alias)) as Extract<
      OrchEvent,
      { type: T }
    >[];
  }

  /** The states `alias` went through, in order. */
  states(alias: string): string[] {
    return this.of('bridge.state-change', alias).map((e) => e.state);
  }

  /** Waits (bounded) until `predicate` holds; the error says what was seen instead. */
  async waitFor(predicate: (events: OrchEvent[]) => boolean, what: string, limitMs = 30_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!predicate(this.events)) {
      if (Date.now() > deadline) {
        throw new Error(`Gave up waiting for ${what}; events seen: ${this.events.map((e) => `${e.type}${'state' in e ? `:${e.state}` : ''}`).join(', ')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  dispose(): void {
    this.stop();
  }
}

/** Waits (bounded) until the process is gone. */
export async function waitUntilGone(pid: number, limitMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface ChildProcessSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How long a server gets to exit after its stdin closes, then after SIGTERM, before SIGKILL. */
const GRACE_MS = 2000;
const STDERR_TAIL_LINES = 20;

/**
 * MCP over a child process's stdin/stdout. Unlike the SDK's stdio transport it keeps what the bridge
 * needs to judge a dead server (exit code, signal, the last stderr lines), always drains stderr so a
 * chatty server never blocks, runs the server in its own process group so helpers it spawns go with
 * it, and `close()` only returns once the process is gone — no child outlives the bridge.
 */
export class ChildProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child?: ChildProcess;
  private readonly buffer = new ReadBuffer();
  private readonly stderrTail: string[] = [];
  private partialLine = '';
  private exit?: ExitInfo;
  private exited?: Promise<void>;

  constructor(
    private readonly spec: ChildProcessSpec,
    private readonly onStderrLine: (line: string) => void = () => undefined,
  ) {}

  get pid(): number | undefined {
    return this.exit ? undefined : this.child?.pid;
  }

  get exitInfo(): ExitInfo | undefined {
    return this.exit;
  }

  /** The server's last stderr lines, for error messages. */
  stderrSummary(): string {
    return this.stderrTail.join('\n').trim();
  }

  start(): Promise<void> {
    if (this.child) throw new Error('ChildProcessTransport already started');
    return new Promise((resolve, reject) => {
      const child = spawn(this.spec.command, this.spec.args, {
        env: { ...getDefaultEnvironment(), ...this.spec.env },
        cwd: this.spec.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
      this.child = child;
      this.exited = new Promise((done) => child.once('close', () => done()));
      child.once('error', (error) => {
        const failure = new Error(`could not start ${this.spec.command}: ${error.message}`);
        if (child.pid === undefined) reject(failure);
        else this.onerror?.(failure);
      });
      child.once('spawn', () => resolve());
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
      });
      child.once('close', () => {
        this.flushStderr();
        this.onclose?.();
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('data', (chunk: Buffer) => {
        this.buffer.append(chunk);
        for (;;) {
          let message: JSONRPCMessage | null;
          try {
            message = this.buffer.readMessage();
          } catch (error) {
            this.onerror?.(new Error(`the server wrote something that is not MCP on stdout: ${(error as Error).message}`));
            continue;
          }
          if (message === null) break;
          this.onmessage?.(message);
        }
      });
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (text: string) => this.takeStderr(text));
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || this.exit || stdin.destroyed) {
        reject(new Error('the server process is not running'));
        return;
      }
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Closes stdin, then SIGTERM, then SIGKILL (to the process group), and waits until the process is gone. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || !this.exited) return;
    if (!this.exit) {
      try {
        child.stdin?.end();
      } catch {
        // already closed
      }
      if (!(await this.waitForExit(GRACE_MS))) this.signal('SIGTERM');
      if (!(await this.waitForExit(GRACE_MS))) this.signal('SIGKILL');
    }
    await this.exited;
    this.buffer.clear();
  }

  private waitForExit(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      void this.exited!.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      // The negative pid addresses the whole group (the server and anything it spawned).
      process.kill(process.platform === 'win32' ? pid : -pid, signal);
    } catch {
      try {
        this.child?.kill(signal);
      } catch {
        // already gone
      }
    }
  }

  private takeStderr(text: string): void {
    const lines = (this.partialLine + text).split(/\r?\n/);
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) this.keepStderrLine(line);
  }

  private flushStderr(): void {
    if (this.partialLine) this.keepStderrLine(this.partialLine);
    this.partialLine = '';
  }

  private keepStderrLine(line: string): void {
    if (!line.trim()) return;
    this.stderrTail.push(line);
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    this.onStderrLine(line);
  }
}

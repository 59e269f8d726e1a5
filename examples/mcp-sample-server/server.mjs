#!/usr/bin/env node
// @ts-check
/**
 * Orch's bundled sample MCP server: a few small, genuinely useful tools, served over stdio (default)
 * or Streamable HTTP on 127.0.0.1. Plain JavaScript so it starts fast with plain `node` (the bridge
 * spawns it with process.execPath) and needs no build step.
 *
 *   node examples/mcp-sample-server/server.mjs                      # stdio
 *   node examples/mcp-sample-server/server.mjs --http --port 7431   # http://127.0.0.1:7431/mcp
 *
 * It exits when its stdin closes (so a parent that dies never leaves it behind); `--keep-alive`
 * turns that off for an HTTP server started from a service manager with no stdin.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { parseArgs } from 'node:util';
import jsonata from 'jsonata';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

const VERSION = '0.1.0';

const USAGE = `Orch sample MCP server ${VERSION}

Usage: node server.mjs [--http] [--port N] [--host 127.0.0.1] [--keep-alive]

  (no flag)      serve MCP over stdio
  --http         serve MCP over Streamable HTTP at http://<host>:<port>/mcp
  --port N       HTTP port (default 0: a free port; the URL is printed on stdout)
  --host H       HTTP address (default 127.0.0.1)
  --keep-alive   do not exit when stdin closes (HTTP only)
  --help         this text

Tools: text_stats, json_transform, hash_text, countdown.`;

/** @param {string[]} argv */
function readOptions(argv) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        http: { type: 'boolean', default: false },
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        'keep-alive': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer 0-65535, got "${values.port}"`);
    return { http: Boolean(values.http), port, host: String(values.host), keepAlive: Boolean(values['keep-alive']), help: Boolean(values.help) };
  } catch (error) {
    process.stderr.write(`mcp-sample-server: ${/** @type {Error} */ (error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
}

const STOP_WORDS = new Set(
  'a an and are as at be but by for from has have in is it its of on or that the this to was were will with'.split(' '),
);

/** @param {string} text @param {number} top */
export function textStats(text, top) {
  const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? [];
  const counts = new Map();
  for (const word of words) {
    const key = word.toLowerCase();
    if (key.length < 2 || STOP_WORDS.has(key)) continue;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const topWords = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, top)
    .map(([word, count]) => ({ word, count }));
  const trimmed = text.trim();
  return {
    characters: [...text].length,
    charactersNoSpaces: [...text.replace(/\s/g, '')].length,
    words: words.length,
    lines: text.length === 0 ? 0 : text.split(/\r\n|\r|\n/).length,
    sentences: trimmed ? (trimmed.match(/[^.!?…]+(?:[.!?…]+|$)/g) ?? []).filter((s) => /[\p{L}\p{N}]/u.test(s)).length : 0,
    paragraphs: trimmed ? trimmed.split(/\n\s*\n/).length : 0,
    averageWordLength: words.length ? Math.round((words.reduce((n, w) => n + w.length, 0) / words.length) * 100) / 100 : 0,
    readingTimeSeconds: Math.ceil((words.length / 200) * 60),
    topWords,
  };
}

/** @param {number} ms @param {AbortSignal} signal */
function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(undefined);
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** @param {unknown} value */
const asText = (value) => ({ type: /** @type {const} */ ('text'), text: typeof value === 'string' ? value : JSON.stringify(value, null, 2) });

/** A fresh MCP server with the sample tools (one per session). */
export function createSampleServer() {
  const server = new McpServer({ name: 'orch-sample', title: 'Orch sample MCP server', version: VERSION }, { capabilities: { tools: { listChanged: true } } });

  server.registerTool(
    'text_stats',
    {
      title: 'Text statistics',
      description: 'Counts characters, words, lines, sentences and paragraphs of a text, estimates the reading time and lists the most frequent words.',
      inputSchema: {
        text: z.string().describe('The text to analyse'),
        top: z.number().int().min(0).max(50).default(5).describe('How many frequent words to list (0-50)'),
      },
      outputSchema: {
        characters: z.number(),
        charactersNoSpaces: z.number(),
        words: z.number(),
        lines: z.number(),
        sentences: z.number(),
        paragraphs: z.number(),
        averageWordLength: z.number(),
        readingTimeSeconds: z.number(),
        topWords: z.array(z.object({ word: z.string(), count: z.number() })),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ text, top }) => {
      const stats = textStats(text, top ?? 5);
      return { content: [asText(stats)], structuredContent: stats };
    },
  );

  server.registerTool(
    'json_transform',
    {
      title: 'JSON transform',
      description:
        'Evaluates a JSONata expression against a JSON value (e.g. "items[price > 10].name" or "$sum(items.price)") and returns the result.',
      inputSchema: {
        data: z.any().describe('The JSON value to transform'),
        expression: z.string().min(1).describe('A JSONata expression; the value is its input ($)'),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ data, expression }) => {
      let compiled;
      try {
        compiled = jsonata(expression);
      } catch (error) {
        return { isError: true, content: [asText(`Invalid JSONata expression: ${describe(error)}`)] };
      }
      try {
        const result = await compiled.evaluate(data ?? null);
        const value = result === undefined ? null : JSON.parse(JSON.stringify(result));
        return { content: [asText(value)], structuredContent: { result: value } };
      } catch (error) {
        return { isError: true, content: [asText(`The expression failed: ${describe(error)}`)] };
      }
    },
  );

  server.registerTool(
    'hash_text',
    {
      title: 'Hash text',
      description: 'Returns the hex digest of a UTF-8 text (sha256 by default; sha1, sha512 and md5 for checksums).',
      inputSchema: {
        text: z.string().describe('The text to hash'),
        algorithm: z.enum(['sha256', 'sha1', 'sha512', 'md5']).default('sha256'),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ text, algorithm }) => {
      const digest = createHash(algorithm ?? 'sha256').update(text, 'utf8').digest('hex');
      return { content: [asText(digest)], structuredContent: { algorithm: algorithm ?? 'sha256', digest } };
    },
  );

  server.registerTool(
    'countdown',
    {
      title: 'Countdown',
      description:
        'Waits the given number of seconds, reporting progress at every step, and honours cancellation. Handy to try timeouts, progress display and cancellation.',
      inputSchema: {
        seconds: z.number().min(0).max(600).describe('How long to wait, in seconds (may be fractional)'),
        steps: z.number().int().min(1).max(1000).default(5).describe('How many progress notifications to send'),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ seconds, steps }, extra) => {
      const total = steps ?? 5;
      const progressToken = extra._meta?.progressToken;
      const started = Date.now();
      for (let step = 1; step <= total; step++) {
        await sleep((seconds * 1000) / total, extra.signal);
        if (progressToken !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken, progress: step, total, message: `step ${step} of ${total}` },
          });
        }
      }
      const elapsedMs = Date.now() - started;
      return { content: [asText(`Counted down ${seconds} s in ${total} steps.`)], structuredContent: { seconds, steps: total, elapsedMs } };
    },
  );

  return server;
}

/** @param {unknown} error */
function describe(error) {
  if (error && typeof error === 'object' && 'message' in error) return String(error.message);
  return String(error);
}

async function serveStdio() {
  const server = createSampleServer();
  await server.connect(new StdioServerTransport());
  process.stderr.write(`orch-sample MCP server ${VERSION} on stdio (pid ${process.pid})\n`);
}

/** @param {{ port: number, host: string }} options */
async function serveHttp(options) {
  /** @type {Map<string, StreamableHTTPServerTransport>} */
  const sessions = new Map();
  const http = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/mcp') return sendJson(res, 404, { error: `Not found: ${url.pathname} (the MCP endpoint is /mcp)` });
    const sessionId = req.headers['mcp-session-id'];
    try {
      if (typeof sessionId === 'string') {
        const transport = sessions.get(sessionId);
        // Unknown session (e.g. the server restarted): 404 tells the client to start a new one.
        if (!transport) return sendJson(res, 404, { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
        return await transport.handleRequest(req, res);
      }
      if (req.method !== 'POST') {
        return sendJson(res, 400, { jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: no session id' }, id: null });
      }
      const server = createSampleServer();
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, transport),
      });
      transport.onclose = () => {
        if (transport.sessionId) sessions.delete(transport.sessionId);
      };
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (error) {
      process.stderr.write(`orch-sample: request failed: ${describe(error)}\n`);
      if (!res.headersSent) sendJson(res, 500, { jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
    }
  });
  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve(undefined));
  });
  const address = /** @type {import('node:net').AddressInfo} */ (http.address());
  process.stdout.write(`orch-sample MCP server ${VERSION} listening on http://${options.host}:${address.port}/mcp\n`);
  return async () => {
    for (const transport of sessions.values()) await transport.close().catch(() => undefined);
    http.closeAllConnections();
    await new Promise((resolve) => http.close(() => resolve(undefined)));
  };
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  /** @type {() => Promise<void>} */
  let close = async () => undefined;
  const shutdown = () => {
    close().finally(() => process.exit(0));
  };
  if (options.http) close = await serveHttp(options);
  else await serveStdio();
  // Exit with the parent: a closed stdin means nobody is listening any more.
  if (!options.keepAlive || !options.http) {
    process.stdin.on('end', shutdown);
    process.stdin.on('close', shutdown);
    process.stdin.resume();
  }
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

await main().catch((error) => {
  process.stderr.write(`mcp-sample-server: ${describe(error)}\n`);
  process.exit(1);
});

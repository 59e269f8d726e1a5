import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Logger } from '../../kernel/index.js';
import { ChildProcessTransport } from './child-process-transport.js';
import type { ResolvedServer } from './servers-config.js';

/** A fresh transport for one connection attempt: a child process (stdio) or Streamable HTTP. */
export function createTransport(server: ResolvedServer, logger: Logger): Transport {
  if (server.transport === 'stdio') {
    return new ChildProcessTransport({ command: server.command, args: server.args, env: server.env, cwd: server.cwd }, (line) =>
      logger.debug(`MCP server ${server.alias} stderr: ${line}`, { alias: server.alias }),
    );
  }
  return new StreamableHTTPClientTransport(new URL(server.url), {
    requestInit: { headers: server.headers },
    // The bridge owns reconnection (fresh session, backoff); the SDK must not resume streams on its own.
    reconnectionOptions: { maxRetries: 0, initialReconnectionDelay: 1000, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 1 },
  });
}

/**
 * The SDK hands notifications to their handlers one microtask late but settles responses at once,
 * so a tool's last progress notification, arriving just before its result, would be dropped (and
 * reported as an error about an unknown progress token). Delaying responses by one microtask keeps
 * the order in which the server sent them. Call after `Client.connect` has installed its handler.
 */
export function deliverResponsesAfterNotifications(transport: Transport): void {
  const deliver = transport.onmessage;
  if (!deliver) return;
  transport.onmessage = (message, extra) => {
    const isResponse = 'id' in message && !('method' in message) && ('result' in message || 'error' in message);
    if (isResponse) queueMicrotask(() => deliver(message, extra));
    else deliver(message, extra);
  };
}

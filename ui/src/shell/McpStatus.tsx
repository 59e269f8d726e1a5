import type { BridgeView } from '../connection/connection-machine';

const STATE_BADGE: Record<BridgeView['state'], string> = {
  connected: 'badge-success',
  connecting: 'badge-info',
  reconnecting: 'badge-warning',
  disconnected: 'badge-error',
};

/** MCP servers in the shell's status area: a summary button and a list with the details. */
export function McpStatus({ bridges }: { bridges: BridgeView[] }) {
  if (bridges.length === 0) return null;
  const up = bridges.filter((b) => b.state === 'connected').length;
  const requiredDown = bridges.some((b) => b.required && b.state !== 'connected');
  return (
    <details className="dropdown dropdown-end" data-testid="mcp-status">
      <summary className={`btn btn-sm ${requiredDown ? 'btn-error btn-outline' : 'btn-ghost'}`}>
        MCP {up}/{bridges.length}
      </summary>
      <div className="dropdown-content z-20 mt-2 w-96 max-w-[90vw] rounded-box bg-base-100 p-3 shadow-lg border border-base-300">
        <ul className="flex flex-col gap-3">
          {bridges.map((b) => (
            <li key={b.alias} className="flex flex-col gap-1" data-alias={b.alias}>
              <div className="flex items-center gap-2">
                <span className="font-mono font-semibold truncate">{b.alias}</span>
                <span className={`badge badge-sm ${STATE_BADGE[b.state]}`}>{b.state}</span>
                {b.required && <span className="badge badge-sm badge-outline">required</span>}
                <span className="ml-auto text-xs opacity-70 tabular-nums">{b.tools} tools</span>
              </div>
              {b.transport && <span className="text-xs opacity-70">{b.transport}{b.attempt ? ` · attempt ${b.attempt}` : ''}</span>}
              {b.state !== 'connected' && b.nextRetryAt && (
                <span className="text-xs">Next retry at {new Date(b.nextRetryAt).toLocaleTimeString()}</span>
              )}
              {b.lastError && <span className="text-xs text-error break-all">{b.lastError}</span>}
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}

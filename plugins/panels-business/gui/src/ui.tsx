import type { ReactNode } from 'react';
import type { NodeStatus, PlanDocument, RiskLevel, RunStatus } from '@orch/gui-sdk';

/** `GET /api/plans/:id` answers the plan itself; some routes wrap it as `{ plan }`. */
export function planOf(data: unknown): PlanDocument | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const wrapped = (data as { plan?: unknown }).plan;
  return (wrapped && typeof wrapped === 'object' ? wrapped : data) as PlanDocument;
}

export const RUN_STATUS_BADGE: Record<RunStatus, string> = {
  running: 'badge-info',
  waiting_approval: 'badge-warning',
  needs_attention: 'badge-error',
  blocked: 'badge-error',
  completed: 'badge-success',
  failed: 'badge-error',
  cancelled: 'badge-neutral',
};

export const NODE_STATUS_BADGE: Record<NodeStatus, string> = {
  pending: 'badge-ghost',
  running: 'badge-info',
  succeeded: 'badge-success',
  failed: 'badge-error',
  retrying: 'badge-warning',
  waiting_approval: 'badge-warning',
  needs_attention: 'badge-error',
  skipped: 'badge-neutral',
  cancelled: 'badge-neutral',
};

export const RISK_BADGE: Record<RiskLevel, string> = {
  low: 'badge-ghost',
  medium: 'badge-info',
  high: 'badge-warning',
  critical: 'badge-error',
};

export function label(status: string): string {
  return status.replace(/_/g, ' ');
}

export function StatusBadge({ status, kind = 'run' }: { status: string; kind?: 'run' | 'node' }) {
  const cls = kind === 'run' ? RUN_STATUS_BADGE[status as RunStatus] : NODE_STATUS_BADGE[status as NodeStatus];
  return (
    <span className={`badge badge-sm whitespace-nowrap ${cls ?? 'badge-ghost'}`} data-status={status}>
      {label(status)}
    </span>
  );
}

export function RiskBadge({ risk }: { risk: RiskLevel }) {
  return <span className={`badge badge-sm ${RISK_BADGE[risk] ?? 'badge-ghost'}`}>{risk} risk</span>;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today ? date.toLocaleTimeString() : date.toLocaleString();
}

export function timeAgo(iso: string | undefined): string {
  if (!iso) return '';
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 0) return `in ${formatDuration(-seconds * 1000)}`;
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

export function PageHeader({ title, subtitle, children }: { title: ReactNode; subtitle?: ReactNode; children?: ReactNode }) {
  return (
    <div className="flex items-start gap-4 mb-4 flex-wrap">
      <div className="min-w-0 flex-1">
        <h1 className="text-xl font-semibold truncate">{title}</h1>
        {subtitle && <div className="text-sm opacity-70 mt-1">{subtitle}</div>}
      </div>
      {children && <div className="flex gap-2 items-center flex-wrap">{children}</div>}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="card bg-base-100 border border-base-300" data-testid="empty-state">
      <div className="card-body items-center text-center py-10">
        <h2 className="font-semibold">{title}</h2>
        {children && <div className="text-sm opacity-70 max-w-lg">{children}</div>}
      </div>
    </div>
  );
}

export function ErrorAlert({ error, what }: { error: Error; what: string }) {
  return (
    <div role="alert" className="alert alert-error my-2">
      <span>
        {what}: {error.message}
      </span>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <div className="flex items-center gap-2 p-4 opacity-70">
      <span className="loading loading-spinner loading-sm" /> Loading {what}…
    </div>
  );
}

/** Compact JSON for inputs, outputs and context. */
export function JsonBlock({ value, max = 4000 }: { value: unknown; max?: number }) {
  if (value === undefined) return <span className="opacity-50">—</span>;
  let text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  if (text.length > max) text = `${text.slice(0, max)}\n… (${text.length - max} more characters)`;
  return <pre className="text-xs font-mono whitespace-pre-wrap break-all bg-base-200 rounded p-2 max-h-64 overflow-auto">{text}</pre>;
}

export const NODE_ICONS: Record<string, string> = {
  sequence: '↓',
  parallel: '⇉',
  conditional: '◇',
  loop: '↻',
  human_approval: '⚑',
  local_task: '⚙',
  agent_invocation: '✦',
  mcp_tool: '⚒',
  external_service: '☁',
};

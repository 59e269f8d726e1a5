import { useEffect, useState } from 'react';
import { useConnection, type Phase } from '../sdk/index';

const PHASE_STYLE: Record<Phase, { label: string; badge: string }> = {
  connecting: { label: 'Connecting', badge: 'badge-info' },
  connected: { label: 'Connected', badge: 'badge-success' },
  disconnected: { label: 'Disconnected', badge: 'badge-error' },
  reconnecting: { label: 'Reconnecting', badge: 'badge-warning' },
};

export function ConnectionBadge({ phase }: { phase: Phase }) {
  const style = PHASE_STYLE[phase];
  return (
    <span className={`badge ${style.badge} badge-sm whitespace-nowrap`} data-testid="connection-state" data-state={phase}>
      {style.label}
    </span>
  );
}

/** Re-renders every second while shown, so the "next try in N s" countdown moves. */
function useSecondTick(active: boolean): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [active]);
}

/** The maintenance notice: what is down, what to check, and Retry. Never inert itself. */
export function MaintenanceNotice() {
  const connection = useConnection();
  useSecondTick(connection.outage !== null);
  const outage = connection.outage;
  if (!outage) return null;
  const first = connection.phase === 'connecting' && !connection.state.lastError;
  return (
    <div className="px-4 pt-3 shrink-0" data-testid="maintenance-notice" role="status" aria-live="polite">
      <div className={`alert ${first ? 'alert-info' : 'alert-warning'} shadow-sm`}>
        {first || connection.state.socket === 'opening' ? <span className="loading loading-spinner loading-sm" /> : <span aria-hidden="true">⚠</span>}
        <div className="min-w-0">
          <h2 className="font-semibold">{outage.title}</h2>
          {outage.detail && <p className="text-sm break-all">{outage.detail}</p>}
          <p className="text-sm opacity-80">{outage.check} Actions are paused until everything is connected again.</p>
        </div>
        <button className="btn btn-sm" onClick={connection.retry} data-testid="retry">
          Retry
        </button>
      </div>
    </div>
  );
}

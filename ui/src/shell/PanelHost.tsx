import { Component, Suspense, use, useMemo, useState, type ReactNode } from 'react';
import type { PanelInfo } from '../sdk/wire';
import { loadPanel } from './panel-modules';

interface BoundaryProps {
  panel: PanelInfo;
  children: ReactNode;
  onReset: () => void;
}

/** Keeps a failing panel inside its own card: the rest of the shell goes on working. */
class PanelErrorBoundary extends Component<BoundaryProps, { error: Error | null }> {
  override state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override componentDidCatch(error: Error) {
    console.warn(`Panel ${this.props.panel.id} (${this.props.panel.pluginId}) failed: ${error.message}`);
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <PanelErrorCard
        panel={this.props.panel}
        error={this.state.error}
        onRetry={() => {
          this.setState({ error: null });
          this.props.onReset();
        }}
      />
    );
  }
}

export function PanelErrorCard({ panel, error, onRetry }: { panel: PanelInfo; error: Error; onRetry: () => void }) {
  return (
    <div role="alert" className="card card-border border-error bg-base-100 m-4" data-testid="panel-error">
      <div className="card-body">
        <h2 className="card-title text-error">The panel “{panel.title}” could not be shown</h2>
        <p className="text-sm">{error.message}</p>
        <p className="text-xs opacity-70">
          Plugin {panel.pluginId} {panel.pluginVersion} · panel {panel.id} · GUI API {panel.apiVersion}
        </p>
        <div className="card-actions justify-end">
          <button className="btn btn-sm" onClick={onRetry}>
            Try again
          </button>
        </div>
      </div>
    </div>
  );
}

function LoadedPanel({ panel, loading, route }: { panel: PanelInfo; loading: Promise<Awaited<ReturnType<typeof loadPanel>>>; route: string[] }) {
  const Panel = use(loading);
  return <Panel panelId={panel.id} route={route} />;
}

/** One panel: loaded at run time from its plugin, inside its own error boundary. */
export function PanelHost({ panel, route }: { panel: PanelInfo; route: string[] }) {
  const [attempt, setAttempt] = useState(0);
  const loading = useMemo(() => loadPanel(panel), [panel.moduleUrl, panel.id, panel.apiVersion, attempt]);
  return (
    <PanelErrorBoundary key={`${panel.pluginId}/${panel.id}/${attempt}`} panel={panel} onReset={() => setAttempt((n) => n + 1)}>
      <Suspense
        fallback={
          <div className="flex items-center gap-2 p-6 opacity-70" data-testid="panel-loading">
            <span className="loading loading-spinner loading-sm" /> Loading {panel.title}…
          </div>
        }
      >
        <LoadedPanel panel={panel} loading={loading} route={route} />
      </Suspense>
    </PanelErrorBoundary>
  );
}
